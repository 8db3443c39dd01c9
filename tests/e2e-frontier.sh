#!/usr/bin/env bash
# e2e-frontier.sh BUILD - a frontier mostly on disk: the smallest
# --frontier-memory spills nearly every queued URL to LZ4 segments, and the
# crawl must still fetch the same pages, exactly once each; killed with
# SIGKILL while spilling and resumed, it must lose and repeat nothing.
# Also: the journal names a page's referrer once, not on every line.
# Prints "e2e-frontier: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-frontier.XXXXXX)
HOSTS=3
PAGES=300

# site NAME LATENCY_MS: a fresh server and the expected URL list
site() {
	LOG="$WORK/$1.log"
	LIST="$WORK/$1.list"
	start_server "$BUILD" "$LOG" --hosts $HOSTS --pages $PAGES --links 12 \
		--latency-ms "$2" || return 1
	"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts $HOSTS --pages $PAGES \
		--links 12 >"$LIST"
	ARGS="-q -j 2 -c 8 $(resolve_args "$SRV_PORT" $HOSTS) $(seed_args "$SRV_PORT" $HOSTS)"
}

# urls DIR: the sorted URLs of a crawl's pages.jsonl, the server's port
# taken out (each crawl has a server of its own)
urls() {
	node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n"))
		if (l) console.log(JSON.parse(l).url.replace(/:[0-9]+\//, ":PORT/"))' \
		"$1/pages.jsonl" | sort
}

# stat DIR KEY: a number from stats.json
stat() {
	node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1] + "/stats.json", "utf8"))[process.argv[2]])' "$1" "$2"
}

echo "e2e-frontier: the same crawl in memory and on disk"
site mem 0
# shellcheck disable=SC2086
timeout 120 "$SC" -o "$WORK/mem" $ARGS
check "default --frontier-memory: exit 8 (the site's 404s)" test $? = 8
stop_server
check "default --frontier-memory: every expected URL once" \
	node tests/e2e-check.mjs "$WORK/mem" "$LIST" "$LOG"
check "default --frontier-memory: nothing spilled" test "$(stat "$WORK/mem" spilled)" = 0

site disk 0
# shellcheck disable=SC2086
timeout 120 "$SC" -o "$WORK/disk" --frontier-memory 4k $ARGS
check "--frontier-memory 4k: exit 8 (the site's 404s)" test $? = 8
stop_server
spilled=$(stat "$WORK/disk" spilled)
check "--frontier-memory 4k: most of the frontier went to disk ($spilled URLs spilled)" \
	test "$spilled" -gt 300
check "--frontier-memory 4k: every expected URL once, none requested twice" \
	node tests/e2e-check.mjs "$WORK/disk" "$LIST" "$LOG"
urls "$WORK/mem" >"$WORK/mem.urls"
urls "$WORK/disk" >"$WORK/disk.urls"
check "--frontier-memory 4k: the same set of pages as in memory" \
	cmp "$WORK/mem.urls" "$WORK/disk.urls"
check "--frontier-memory 4k: WARC files valid (warcio)" node tests/warc-check.mjs "$WORK/disk"
check "--frontier-memory 4k: no spill segment left at the end" \
	sh -c "! ls '$WORK/disk/spill/' | grep -q ."
check "journal: no A line repeats a referrer (R lines name it once)" \
	sh -c "! awk -F'\t' '\$1 == \"A\" && NF != 4' '$WORK/disk/journal' | grep -q ."
check "journal: one R line per page with links, not per URL" \
	sh -c "test \$(grep -c '^R' '$WORK/disk/journal') -lt \$(grep -c '^A' '$WORK/disk/journal')"

echo "e2e-frontier: SIGKILL while spilling, then --resume"
round=0
for when in 0.5 1.5; do
	round=$((round + 1))
	site "kill$round" 10
	out="$WORK/kill$round"
	# shellcheck disable=SC2086
	"$SC" -o "$out" --frontier-memory 4k $ARGS 2>/dev/null &
	pid=$!
	sleep "$when"
	segs=$(ls "$out/spill" 2>/dev/null | wc -l)
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	before=$(wc -l <"$out/pages.jsonl")
	timeout 120 "$SC" -q --resume "$out" --frontier-memory 4k 2>"$WORK/resume.err"
	rc=$?
	check "kill at ${when}s ($before lines, $segs spill segments): --resume exits 8" test $rc = 8
	stop_server
	check "kill at ${when}s: every expected URL exactly once in pages.jsonl" \
		node tests/e2e-check.mjs "$out" "$LIST" "$LOG" --refetch-ok
	check "kill at ${when}s: WARC files valid, every index offset right (warcio)" \
		node tests/warc-check.mjs "$out"
	"$SC" --resume "$out" >"$WORK/again.out" 2>&1
	check "kill at ${when}s: resuming again says it is complete (exit 8: the 404s)" \
		sh -c "test $? = 8 && grep -q 'is complete' '$WORK/again.out'"
done

rm -rf "$WORK"
echo "e2e-frontier: $pass passed, $fail failed"
[ "$fail" = 0 ]
