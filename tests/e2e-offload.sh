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
check "crawl exits 0" test "$RC" = 0
check "every expected URL once, no URL requested twice" \
	node tests/e2e-check.mjs "$WORK/one" "$WORK/one.list" "$LOG"
check "WARC files valid (warcio), digests and index offsets right" \
	node tests/warc-check.mjs "$WORK/one"
p0=$(processed "$WORK/one.err" 0)
p1=$(processed "$WORK/one.err" 1)
lines=$(wc -l <"$WORK/one/pages.jsonl")
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
		"$WORK/kill.err" | head -n 1)
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
check "crawl exits 0" test "$RC" = 0
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

echo "e2e-offload: $pass passed, $fail failed"
[ "$fail" = 0 ]
