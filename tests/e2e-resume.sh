#!/usr/bin/env bash
# e2e-resume.sh BUILD - nothing lost, nothing repeated: real processes are
# killed (SIGKILL, SIGINT) at different moments of real crawls of the test
# server, the crawl is resumed with --resume, and the result must hold every
# expected URL exactly once in pages.jsonl, with WARC files that pass the
# independent warcio check (offsets included).
# Prints "e2e-resume: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-resume.XXXXXX)
HOSTS=3
PAGES=300
pass=0
fail=0
# The site always serves 404s (/missing.html): a crawl that reaches its end
# exits 8 (finished, but not every page a 2xx or 3xx), and so does a
# --resume of it, which judges the whole crawl.


# site NAME [LATENCY_MS]: a fresh server (20 ms a response by default, so
# crawls last a few seconds) and the expected URL list
site() {
	LOG="$WORK/$1.log"
	LIST="$WORK/$1.list"
	start_server "$BUILD" "$LOG" --hosts $HOSTS --pages $PAGES --latency-ms "${2:-20}" || return 1
	"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts $HOSTS --pages $PAGES >"$LIST"
	ARGS="-q -j 2 -c 8 $(resolve_args "$SRV_PORT" $HOSTS) $(seed_args "$SRV_PORT" $HOSTS)"
}

# the whole site exactly once, valid WARC files, nothing left to resume
complete() {
	local name=$1 out=$2
	check "$name: every expected URL exactly once in pages.jsonl" \
		node tests/e2e-check.mjs "$out" "$LIST" "$LOG" --refetch-ok
	check "$name: WARC files valid, every index offset right (warcio)" \
		node tests/warc-check.mjs "$out"
	"$SC" --resume "$out" >"$WORK/again.out" 2>&1
	check "$name: resuming again says it is complete and exits 8 (the crawl's 404s)" \
		sh -c "test $? = 8 && grep -q 'is complete' '$WORK/again.out'"
}

echo "e2e-resume: SIGKILL the coordinator, then --resume"
round=0
for when in 0.3 0.8 1.4 2.2; do
	round=$((round + 1))
	site "kill$round"
	out="$WORK/kill$round"
	extra=""
	[ $round = 2 ] && extra="--warc-max-size 64k"   # kill around rotations
	# shellcheck disable=SC2086
	"$SC" -o "$out" $extra $ARGS 2>/dev/null &   # no timeout(1): $! must be the crawler
	pid=$!
	sleep "$when"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	before=$(grep -vc kind.:.robots "$out/pages.jsonl")
	if [ $round = 3 ]; then
		# kill the resumed run too, then resume once more
		"$SC" -q --resume "$out" 2>/dev/null &
		pid=$!
		sleep 0.5
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
	fi
	timeout 60 "$SC" -q --resume "$out" 2>"$WORK/resume.err"
	rc=$?
	check "kill at ${when}s (round $round, $before lines before): --resume exits 8" test $rc = 8
	stop_server
	complete "kill at ${when}s" "$out"
done
[ "$(ls "$WORK"/kill2/crawl-*.warc.gz | wc -l)" -ge 2 ] && ok "round 2 spans several WARC files" ||
	bad "round 2 spans several WARC files"

echo "e2e-resume: SIGKILL a shard"
site shardkill
out="$WORK/shardkill"
# shellcheck disable=SC2086
"$SC" -o "$out" $ARGS 2>"$WORK/shardkill.err" &
pid=$!
sleep 0.8
victim=$(pgrep -P "$pid" | head -n 1)
[ -n "$victim" ] && kill -9 "$victim"
wait "$pid"
rc=$?
stop_server
check "shard $victim killed: the crawl still runs to its end (exit 8)" test $rc = 8
check "shard killed: the coordinator said so and started another" \
	grep -q "died; .* URLs queued again" "$WORK/shardkill.err"
check "shard killed: every expected URL exactly once" \
	node tests/e2e-check.mjs "$out" "$LIST" "$LOG" --refetch-ok
check "shard killed: WARC files valid" node tests/warc-check.mjs "$out"

echo "e2e-resume: SIGINT"
site sigint
out="$WORK/sigint"
# shellcheck disable=SC2086
"$SC" -o "$out" --drain-timeout 5 $ARGS 2>"$WORK/sigint.err" &
pid=$!
sleep 1
t0=$(now_ms)
kill -INT "$pid"
wait "$pid"
rc=$?
took=$(($(now_ms) - t0))
# what it finished before the interrupt decides: 8 if a page was not 2xx/3xx
want=$(node -e 'const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
	console.log(l.some((x) => { const p = JSON.parse(x); return p.kind !== "robots" && (p.error || p.status < 200 || p.status >= 400); }) ? 8 : 0)' \
	"$out/pages.jsonl")
check "SIGINT: exit $want, as the pages finished so far went" test $rc = "$want"
check "SIGINT: stopped within the 5 s drain deadline (took $took ms)" test $took -lt 6000
check "SIGINT: says how to resume" grep -q -- "--resume $out" "$WORK/sigint.err"
check "SIGINT: what was written is valid already" node tests/warc-check.mjs "$out"
timeout 60 "$SC" --resume "$out" 2>"$WORK/sigint-resume.err"
check "SIGINT then --resume: exit 8" test $? = 8
check "SIGINT then --resume: the summary counts the whole crawl, and says what this run did" \
	grep -q "^shardcrawl: $(grep -vc kind.:.robots "$out/pages.jsonl") pages (.* $HOSTS 4xx, .*; this run [0-9]* pages in " \
	"$WORK/sigint-resume.err"
check "SIGINT then --resume: stats.json has the crawl's figures and this run's, labelled" node -e '
	const s = require(process.argv[1]), r = s.this_run;
	const n = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").filter((l) => !l.includes("\"kind\":\"robots\"")).length;
	const fine = s.pages === n && r && r.pages > 0 && r.pages < s.pages && r.ok <= s.ok &&
		r.bytes < s.bytes && r.wall_s > 0 && r.pages_per_s > 0 && s.pages_this_run === undefined &&
		s.pages_per_s === undefined && s.ok + s.outcome["4xx"] + s.outcome["5xx"] + s.failed === s.pages &&
		r.ok + r.outcome["4xx"] + r.outcome["5xx"] + r.failed === r.pages &&
		Math.abs(r.pages_per_s - r.pages / r.wall_s) < 1 &&
		s.hosts.reduce((a, h) => a + h.pages, 0) === s.pages;
	if (!fine) { console.log(JSON.stringify(s)); process.exit(1); }' "$out/stats.json" "$out/pages.jsonl"
stop_server
complete "SIGINT then --resume" "$out"

echo "e2e-resume: SIGINT twice"
# a request that hangs keeps the first SIGINT's drain going (until the 3 s
# --timeout), so the second one has something to cut short
site sigint2
sed -i "/^--forbidden\$/i http://fail.test:$SRV_PORT/hang 200" "$LIST"
out="$WORK/sigint2"
# shellcheck disable=SC2086
"$SC" -o "$out" --drain-timeout 30 --timeout 3 --retries 0 \
	--resolve "fail.test:$SRV_PORT:127.0.0.1" $ARGS "http://fail.test:$SRV_PORT/hang" \
	2>"$WORK/sigint2.err" &
pid=$!
sleep 1
t0=$(now_ms)
kill -INT "$pid"
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$?
took=$(($(now_ms) - t0))
check "second SIGINT: stops at once (exit 130, $took ms)" test $rc = 130 -a $took -lt 3000
timeout 60 "$SC" -q --resume "$out"
check "second SIGINT then --resume: exit 8" test $? = 8
stop_server
complete "second SIGINT then --resume" "$out"

echo "e2e-resume: one crawl, one process"
site lock 200
out="$WORK/lock"
# shellcheck disable=SC2086
"$SC" -o "$out" $ARGS 2>/dev/null &
pid=$!
sleep 0.5
"$SC" --resume "$out" >"$WORK/lock.out" 2>"$WORK/lock.err"
rc=$?
check "--resume while the crawl runs: refused (exit 2, one line)" \
	test $rc = 2 -a "$(wc -l <"$WORK/lock.err")" = 1
kill -9 "$pid"
wait "$pid" 2>/dev/null
timeout 60 "$SC" -q --resume "$out"
check "after the first process is gone: --resume exits 8" test $? = 8
stop_server
complete "lock" "$out"

echo "e2e-resume: the command line"
out="$WORK/kill1"
"$SC" --resume "$out" --depth 3 >"$WORK/c.out" 2>"$WORK/c.err"
check "--resume with a different --depth: exit 2, one line" \
	test $? = 2 -a "$(wc -l <"$WORK/c.err")" = 1
check "--resume --depth 3: the line gives both values as options (unlimited for -1)" \
	grep -q -- "--depth 3 differs from the crawl's --depth unlimited" "$WORK/c.err"
"$SC" --resume "$out" --no-robots --max-size 1M >"$WORK/c.out" 2>"$WORK/c.err"
check "--resume --no-robots: exit 2, a boolean named as its option" sh -c "
	test $? = 2 && grep -q -- '--no-robots: the crawl was started without it' '$WORK/c.err'"
"$SC" --resume "$out" --max-size 1M >"$WORK/c.out" 2>"$WORK/c.err"
check "--resume --max-size 1M: exit 2, sizes as written (1M, 32M)" sh -c "
	test $? = 2 && grep -q -- \"--max-size 1M differs from the crawl's --max-size 32M\" '$WORK/c.err'"
"$SC" --resume "$out" http://127.0.0.1:1/ >"$WORK/c.out" 2>"$WORK/c.err"
check "--resume with seed URLs: exit 2" test $? = 2
"$SC" --resume "$WORK/nothing-here" >"$WORK/c.out" 2>"$WORK/c.err"
check "--resume of a directory without a crawl: exit 2" test $? = 2
"$SC" -o "$out" http://127.0.0.1:1/ >"$WORK/c.out" 2>"$WORK/c.err"
check "a new crawl into a crawl's directory: refused (exit 2), nothing touched" \
	sh -c "test $? = 2 && node tests/warc-check.mjs '$out' >/dev/null"
"$SC" -q --resume "$out" -j 1 -c 4 >"$WORK/c.out" 2>&1
check "--resume with other -j and -c (per-run options): accepted (8: the crawl's 404s)" test $? = 8

echo "e2e-resume: a write error"
site full
out="$WORK/full"
mkdir -p "$out"
ln -s /dev/full "$out/pages.jsonl"
# shellcheck disable=SC2086
timeout 60 "$SC" -o "$out" $ARGS 2>"$WORK/full.err"
rc=$?
check "disk full on pages.jsonl: exit 1" test $rc = 1
check "disk full: the message names the file" grep -q "cannot write '$out/pages.jsonl': No space left on device" "$WORK/full.err"
check "disk full: the message says how to resume" grep -q -- "--resume $out" "$WORK/full.err"
rm "$out/pages.jsonl"
: >"$out/pages.jsonl"   # the disk has room again
timeout 60 "$SC" -q --resume "$out"
check "disk full, then room again: --resume exits 8" test $? = 8
stop_server
complete "disk full then --resume" "$out"

rm -rf "$WORK"
echo "e2e-resume: $pass passed, $fail failed"
[ "$fail" = 0 ]
