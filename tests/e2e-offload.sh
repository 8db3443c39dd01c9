#!/usr/bin/env bash
# e2e-offload.sh BUILD - end-to-end tests of the shard mesh (shard/peer.h):
# a crawl of one host with -j 2 uses both shards (the owner of the host
# hands finished pages to the other for their CPU work), loses nothing and
# repeats nothing, also when the helping shard is killed mid-crawl (with
# pages handed to it unanswered: it is stopped first, then killed).  How
# much each shard did comes from their -v lines ("processed N pages").
# Prints "e2e-offload: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-offload.XXXXXX)
pass=0
fail=0
CRAWL_PID=""
stop_crawl() {
	[ -n "$CRAWL_PID" ] || return 0
	kill "$CRAWL_PID" 2>/dev/null
	wait "$CRAWL_PID" 2>/dev/null
	CRAWL_PID=""
}
trap 'stop_crawl; sc_cleanup; rm -rf "$WORK"' EXIT

# processed ERR K: pages shard K processed (its last "processed" line)
processed() {
	sed -n "s/^shard $2: debug: processed \([0-9]*\) pages.*/\1/p" "$1" | tail -n 1
}

echo "e2e-offload: one host, -j 2 --per-host 8"
PAGES=300
LOG="$WORK/one.log"
start_server "$BUILD" "$LOG" --hosts 1 --pages $PAGES --pad 4000 || exit 1
"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts 1 --pages $PAGES >"$WORK/one.list"
# shellcheck disable=SC2046
timeout 120 "$SC" -v -o "$WORK/one" -j 2 --per-host 8 $(resolve_args "$SRV_PORT" 1) \
	$(seed_args "$SRV_PORT" 1) >"$WORK/one.stdout" 2>"$WORK/one.err"
RC=$?
stop_server
check "crawl exits 8 (the site has 404s)" test "$RC" = 8
check "every expected URL once, no URL requested twice" \
	node tests/e2e-check.mjs "$WORK/one" "$WORK/one.list" "$LOG"
check "WARC files valid (warcio), digests and index offsets right" \
	node tests/warc-check.mjs "$WORK/one"
p0=$(processed "$WORK/one.err" 0)
p1=$(processed "$WORK/one.err" 1)
lines=$(grep -vc kind.:.robots "$WORK/one/pages.jsonl")   # robots.txt lines are no pages
check "both shards processed pages ($p0 + $p1 = $lines)" \
	test "${p0:-0}" -gt 0 -a "${p1:-0}" -gt 0 -a $((${p0:-0} + ${p1:-0})) = "$lines"
# "processed N pages (M for peers); handed H to peers, B back, T taken back"
check "every page handed over came back, none taken back" awk '
	/debug: processed [0-9]* pages/ {
		n++; h = $0; sub(/.*handed /, "", h); split(h, v, /[^0-9]+/)
		if (v[1] != v[2] || v[3] != 0) bad = 1 }
	END { exit !(n == 2 && !bad) }' "$WORK/one.err"

echo "e2e-offload: the helping shard killed mid-crawl"
PAGES=1500
LOG="$WORK/kill.log"
# latency: the crawl takes seconds, so the kill lands in the middle
start_server "$BUILD" "$LOG" --hosts 1 --pages $PAGES --pad 4000 --latency-ms 20 || exit 1
"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts 1 --pages $PAGES >"$WORK/kill.list"
# shellcheck disable=SC2046
timeout 120 "$SC" -v -o "$WORK/kill" -j 2 --per-host 8 $(resolve_args "$SRV_PORT" 1) \
	$(seed_args "$SRV_PORT" 1) >"$WORK/kill.stdout" 2>"$WORK/kill.err" &
CRAWL_PID=$!
helper=""
for _ in $(seq 1 200); do
	# the first shard that processes a page for another is the helper
	helper=$(sed -n "s/^shard \([0-9]*\): debug: '.*' processed for shard [0-9]*$/\1/p" \
		"$WORK/kill.err" 2>/dev/null | head -n 1)
	[ -n "$helper" ] && [ "$(grep -c "processed for shard" "$WORK/kill.err")" -ge 200 ] && break
	sleep 0.05
done
hpid=""
[ -n "$helper" ] && hpid=$(sed -n "s/^shard $helper: debug: up: pid \([0-9]*\),.*/\1/p" \
	"$WORK/kill.err" | head -n 1)
killed=0
# stopped first, so that pages handed to it wait unanswered (the owner works
# on alone meanwhile), then killed: those must be processed by the owner
if [ -n "$hpid" ] && kill -STOP "$hpid" 2>/dev/null; then
	sleep 0.5
	kill -KILL "$hpid" 2>/dev/null && killed=1
fi
wait "$CRAWL_PID"
RC=$?
CRAWL_PID=""
stop_server
check "the helping shard (pid ${hpid:-none}) was killed mid-crawl" test "$killed" = 1
check "crawl exits 8 (the site has 404s)" test "$RC" = 8
check "every expected URL once, no URL requested twice" \
	node tests/e2e-check.mjs "$WORK/kill" "$WORK/kill.list" "$LOG"
check "WARC files valid (warcio), digests and index offsets right" \
	node tests/warc-check.mjs "$WORK/kill"
back=$(sed -n "s/.*: info: shard $helper went away; \([0-9]*\) pages handed to it processed here/\1/p" \
	"$WORK/kill.err" | head -n 1)
check "the owner saw its helper go and processed the ${back:-?} pages it held" \
	test "${back:-0}" -gt 0
check "the coordinator saw shard $helper die and started it again" \
	grep -q "shard $helper (pid $hpid) .*URLs queued again" "$WORK/kill.err"

# reqs LOG: the server's log as JSON [{t, host, path, status}]
LOGJS='
const fs = require("fs");
const A = process.argv.slice(1);
const die = (m) => { console.log(m); process.exit(1); };
const R = fs.readFileSync(A[0], "utf8").split("\n").filter(Boolean).map((l) => {
	const f = l.split(" ");
	return { t: +f[0], host: f[1].replace(/:[0-9]+$/, ""), path: f[3], status: +f[4] };
});'
js() { local code=$1; shift; node -e "$LOGJS
$code" "$@"; }

echo "e2e-offload: politeness holds for the host as a whole"
LOG="$WORK/polite.log"
# every response held 50 ms: 9 requests arriving within 45 ms would be 9
# in flight at once
start_server "$BUILD" "$LOG" --hosts 1 --pages 200 --latency-ms 50 || exit 1
# shellcheck disable=SC2046
timeout 120 "$SC" -v -o "$WORK/polite" -j 2 --per-host 8 $(resolve_args "$SRV_PORT" 1) \
	$(seed_args "$SRV_PORT" 1) >/dev/null 2>"$WORK/polite.err"
RC=$?
stop_server
check "robots on, -j 2 --per-host 8: crawl exits 8 (404s), the owner's pages processed by its peer" sh -c "
	test $RC = 8 && grep -q 'processed [0-9]* pages ([1-9][0-9]* for peers)' '$WORK/polite.err'"
check "robots.txt requested once, before anything else on the host" js '
	const r = R.filter((x) => x.path === "/robots.txt");
	if (r.length !== 1 || R[0].path !== "/robots.txt") die(r.length + " robots.txt requests");' "$LOG"
check "the server never had more than 8 requests of the host at once" js '
	let max = 0;
	for (let i = 0, j = 0; i < R.length; i++) {
		while (R[i].t - R[j].t >= 45) j++;
		max = Math.max(max, i - j + 1);
	}
	if (max > 8) die(max + " requests within 45 ms");
	console.log("at most " + max + " within 45 ms");' "$LOG"

start_server "$BUILD" "$WORK/delay.log" || exit 1
timeout 60 "$SC" -q -o "$WORK/delay" -j 2 --per-host 8 \
	--resolve "delay.test:$SRV_PORT:127.0.0.1" "http://delay.test:$SRV_PORT/" 2>/dev/null
RC=$?
stop_server
check "Crawl-delay 1 with -j 2 --per-host 8: the 7 pages start >= 990 ms apart" js '
	const rs = R.filter((r) => r.host === "delay.test" && r.path !== "/robots.txt");
	if (rs.length !== 7) die(rs.length + " page requests, want 7");
	const g = rs.slice(1).map((r, i) => r.t - rs[i].t);
	if (g.some((x) => x < 990)) die("gaps (ms): " + g.join(" "));' "$WORK/delay.log"

start_server "$BUILD" "$WORK/429.log" || exit 1
{ echo "http://fail.test:$SRV_PORT/429-secs"
  for i in $(seq 1 60); do echo "http://fail.test:$SRV_PORT/nothing-$i"; done; } >"$WORK/429.list"
timeout 60 "$SC" -q -o "$WORK/429" -j 2 --per-host 8 --depth 0 --max-retry-after 10 \
	--resolve "fail.test:$SRV_PORT:127.0.0.1" --urls "$WORK/429.list" 2>/dev/null
stop_server
check "Retry-After 2 with -j 2 --per-host 8: nothing sent to the host for 2 s after the 429" js '
	const i = R.findIndex((r) => r.path === "/429-secs" && r.status === 429);
	if (i < 0) die("no 429");
	/* requests already on their way when the 429 was read may arrive
	 * just after it: 50 ms of slack */
	const bad = R.filter((r) => r.t > R[i].t + 50 && r.t < R[i].t + 1990);
	if (bad.length) die(bad.length + " requests in the pause, first " +
		(bad[0].t - R[i].t) + " ms after the 429");
	const next = R.find((r) => r.t > R[i].t + 50);
	if (!next) die("nothing after the 429");
	console.log("next request " + (next.t - R[i].t) + " ms after the 429");' "$WORK/429.log"

echo "e2e-offload: $pass passed, $fail failed"
[ "$fail" = 0 ]
