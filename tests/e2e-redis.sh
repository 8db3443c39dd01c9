#!/usr/bin/env bash
# e2e-redis.sh BUILD - end-to-end tests of a crawl shared by several nodes
# through Redis (--redis, --crawl; crawler/frontier_redis.c).  The test
# starts its own redis-server on a free loopback port (persistence off, but
# for the restart test, which turns AOF on), in its own directory, and stops
# it by PID; every node runs under timeout and is stopped by PID.
#
#   3 nodes on a multi-host site: every URL once in the union of their
#   pages.jsonl, no URL requested twice, every node's WARC files valid;
#   Crawl-delay 1 held across nodes; --rate 20 for the crawl as a whole;
#   a 429's Retry-After pauses the host for all; a node killed with -9:
#   the others finish after its leases expire, nothing lost; Redis killed
#   and restarted (AOF) mid-crawl: the nodes reconnect and finish; Redis
#   unreachable, a conflicting join: exit 2 with one line; --status.
# Prints "e2e-redis: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-redis.XXXXXX)
REDIS_PID=""
NODE_PIDS=()
stop_redis() {
	[ -n "$REDIS_PID" ] || return 0
	kill "$REDIS_PID" 2>/dev/null
	wait "$REDIS_PID" 2>/dev/null
	REDIS_PID=""
}
stop_nodes() {
	local p
	for p in "${NODE_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${NODE_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	NODE_PIDS=()
}
trap 'stop_nodes; stop_redis; sc_cleanup; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

if ! command -v redis-server >/dev/null 2>&1; then
	echo "  FAIL redis-server is not installed (make deps)"
	echo "e2e-redis: 0 passed, 1 failed"
	exit 1
fi

free_port() {
	node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# start_redis [extra redis-server options]: on RPORT (picked once), in $WORK/redis
RPORT=$(free_port)
start_redis() {
	local i
	mkdir -p "$WORK/redis"
	redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no \
		--dir "$WORK/redis" --logfile "$WORK/redis/log" "$@" &
	REDIS_PID=$!
	for i in $(seq 1 100); do
		[ "$(redis-cli -p "$RPORT" ping 2>/dev/null)" = PONG ] && return 0
		sleep 0.05
	done
	echo "redis-server did not start" >&2
	return 1
}
RURL="redis://127.0.0.1:$RPORT"

# nodes NAME N SECS [shardcrawl options and seeds...]: start N nodes of
# crawl NAME in the background (outputs $WORK/NAME-K), sets NODE_PIDS
nodes() {
	local name=$1 n=$2 secs=$3 k
	shift 3
	NODE_PIDS=()
	for ((k = 1; k <= n; k++)); do
		timeout "$secs" "$SC" -q -j 1 -o "$WORK/$name-$k" --redis "$RURL" --crawl "$name" \
			"$@" >"$WORK/$name-$k.out" 2>"$WORK/$name-$k.err" &
		NODE_PIDS+=("$!")
	done
}
# wait_nodes: wait for every node; NODE_RCS gets their exit statuses
wait_nodes() {
	local p
	NODE_RCS=""
	for p in "${NODE_PIDS[@]}"; do
		wait "$p"
		NODE_RCS="$NODE_RCS $?"
	done
	NODE_PIDS=()
}
# union NAME N: the nodes' pages.jsonl together in $WORK/NAME-all
union() {
	local k
	mkdir -p "$WORK/$1-all"
	: >"$WORK/$1-all/pages.jsonl"
	for ((k = 1; k <= $2; k++)); do cat "$WORK/$1-$k/pages.jsonl" >>"$WORK/$1-all/pages.jsonl"; done
}
all_rc() { local r; for r in $NODE_RCS; do [ "$r" = "$1" ] || return 1; done; }
# js FILE...: run a check written in JS over files (argv[1..])
js() { local code=$1; shift; node -e "const fs = require('fs'); const die = (m) => { console.error(m); process.exit(1); }; $code" "$@"; }
# reqs LOG HOST: the log's requests to HOST (no port), as "ms path" lines
reqs() { awk -v h="$2" '{ split($2, a, ":"); if (a[1] == h) print $1, $4 }' "$1"; }

start_redis || exit 1

echo "e2e-redis: 3 nodes share one crawl of a 6-host site"
LOG="$WORK/three.log"
start_server "$BUILD" "$LOG" --hosts 6 --pages 40 --latency-ms 20 || exit 1
"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts 6 --pages 40 >"$WORK/three.list"
# shellcheck disable=SC2046
nodes three 3 90 -c 4 --lease 5 $(resolve_args "$SRV_PORT" 6) $(seed_args "$SRV_PORT" 6)
wait_nodes
stop_server
union three 3
check "every node exits 8 (the site has 404s):$NODE_RCS" all_rc 8
check "the union of the nodes' pages.jsonl: every expected URL once, no URL requested twice" \
	node tests/e2e-check.mjs "$WORK/three-all" "$WORK/three.list" "$LOG"
for k in 1 2 3; do
	n=$(wc -l <"$WORK/three-$k/pages.jsonl")
	check "node $k crawled a part ($n pages); its WARC files are valid and named for it" \
		bash -c "[ $n -gt 0 ] && ls '$WORK/three-$k' | grep -q '^crawl-.*-[0-9]*-00000.warc.gz\$' &&
			 zcat '$WORK/three-$k'/crawl-*.warc.gz | grep -qa '^shardcrawl-node: ' &&
			 node tests/warc-check.mjs '$WORK/three-$k'"
done
check "--status: the crawl's counts, all done" bash -c \
	"'$SC' --redis '$RURL' --crawl three --status >'$WORK/status.out' &&
	 grep -q 'done  *$(sed -n '/^--forbidden/q;p' "$WORK/three.list" | wc -l)' '$WORK/status.out' &&
	 grep -q 'leased  *0' '$WORK/status.out'"

# a node's progress line (shown on a terminal: script(1) gives it one)
# carries the crawl-wide figures
LOG="$WORK/tty.log"
start_server "$BUILD" "$LOG" --hosts 1 --pages 30 --latency-ms 100 || exit 1
timeout 60 script -qfec "$SC -j 1 -o '$WORK/tty-1' --redis '$RURL' --crawl tty \
	--resolve h0.test:$SRV_PORT:127.0.0.1 http://h0.test:$SRV_PORT/" /dev/null >"$WORK/tty.out" 2>&1
stop_server
check "the progress line shows the crawl's figures: done, hosts leased, nodes" \
	grep -q '| crawl: [0-9]* done, [0-9]* hosts leased, 1 nodes' "$WORK/tty.out"

echo "e2e-redis: politeness across nodes"
LOG="$WORK/delay.log"
start_server "$BUILD" "$LOG" || exit 1
R="--resolve delay.test:$SRV_PORT:127.0.0.1 --resolve fast.test:$SRV_PORT:127.0.0.1"
# shellcheck disable=SC2086
nodes delay 3 60 --lease 5 $R "http://delay.test:$SRV_PORT/" "http://fast.test:$SRV_PORT/"
wait_nodes
stop_server
check "Crawl-delay: 3 nodes exit 0:$NODE_RCS" all_rc 0
check "Crawl-delay 1: the requests to delay.test, all nodes together, start >= 990 ms apart" js '
	const t = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => +l.split(" ")[0]);
	if (t.length < 7) die("only " + t.length + " requests");
	const g = t.slice(1).map((x, i) => x - t[i]);
	if (g.some((x) => x < 990)) die("gaps (ms): " + g.join(" "));' <(reqs "$LOG" delay.test)

LOG="$WORK/rate.log"
start_server "$BUILD" "$LOG" --hosts 6 --pages 4 || exit 1
# shellcheck disable=SC2046
nodes rate 3 60 -c 4 --rate 20 --lease 5 $(resolve_args "$SRV_PORT" 6) $(seed_args "$SRV_PORT" 6)
wait_nodes
stop_server
check "--rate 20: 3 nodes exit 8:$NODE_RCS" all_rc 8
check "--rate 20 over 3 nodes: no 1-second window holds more than 21 requests" js '
	const t = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => +l.split(" ")[0]).sort((a, b) => a - b);
	let j = 0, max = 0;
	for (let i = 0; i < t.length; i++) { while (t[i] - t[j] >= 1000) j++; max = Math.max(max, i - j + 1); }
	if (t.length < 100) die("only " + t.length + " requests");
	if (max > 21) die("a window of " + max);
	console.log("max " + max + " in 1 s, " + t.length + " requests");' \
	<(awk '{ print $1 }' "$LOG")
for k in 1 2 3; do
	check "--rate: node $k took part" test -s "$WORK/rate-$k/pages.jsonl"
done

LOG="$WORK/429.log"
start_server "$BUILD" "$LOG" || exit 1
F="http://fail.test:$SRV_PORT"
nodes t429 3 60 --depth 0 --per-host 1 --max-retry-after 10 --retry-wait 200 --lease 5 \
	--resolve "fail.test:$SRV_PORT:127.0.0.1" "$F/429-secs" "$F/chain/24" "$F/503-once"
wait_nodes
stop_server
check "429 + Retry-After: 2: no node asks the host anything for >= 1900 ms" js '
	const R = fs.readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
	const i = R.findIndex((r) => r[1] === "/429-secs");
	if (i < 0 || i + 1 >= R.length) die("no 429 followed by another request");
	const g = +R[i + 1][0] - +R[i][0];
	if (g < 1900) die("next request " + g + " ms after the 429: " + R[i + 1][1]);' \
	<(reqs "$LOG" fail.test)

echo "e2e-redis: a node killed with -9 mid-crawl"
LOG="$WORK/kill.log"
start_server "$BUILD" "$LOG" --hosts 6 --pages 60 --latency-ms 40 || exit 1
"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts 6 --pages 60 >"$WORK/kill.list"
# shellcheck disable=SC2046
nodes kill 3 120 -c 4 --lease 2 $(resolve_args "$SRV_PORT" 6) $(seed_args "$SRV_PORT" 6)
victim=${NODE_PIDS[1]}
for _ in $(seq 1 200); do
	[ "$(cat "$WORK/kill-2/pages.jsonl" 2>/dev/null | wc -l)" -ge 20 ] && break
	sleep 0.05
done
# the coordinator under timeout: its child; its shards see their pipe close
cpid=$(pgrep -P "$victim" -x shardcrawl | head -n 1)
[ -n "$cpid" ] && kill -9 "$cpid"
{ wait "$victim"; } 2>/dev/null
NODE_PIDS=("${NODE_PIDS[0]}" "${NODE_PIDS[2]}")
wait_nodes
stop_server
# The union: the survivors' lines, and the victim's but for the pages it
# wrote and had not yet acknowledged when it died, which a survivor did
# again (README, "What a dead node costs": the window from a flush of
# pages.jsonl to its acknowledgement, which follows at once)
mkdir -p "$WORK/kill-all"
redone=$(js 'const url = (l) => JSON.parse(l).url;
	const lines = (f) => fs.readFileSync(f, "utf8").split("\n").filter((l) => l);
	const keep = [...lines(process.argv[1]), ...lines(process.argv[2])];
	const have = new Set(keep.map(url));
	const v = lines(process.argv[3]);
	const mine = v.filter((l) => !have.has(url(l)));
	fs.writeFileSync(process.argv[4], [...keep, ...mine].map((l) => l + "\n").join(""));
	console.log(v.length - mine.length);' \
	"$WORK/kill-1/pages.jsonl" "$WORK/kill-3/pages.jsonl" "$WORK/kill-2/pages.jsonl" \
	"$WORK/kill-all/pages.jsonl")
check "kill -9: node 2 was killed mid-crawl ($(wc -l <"$WORK/kill-2/pages.jsonl") pages)" \
	test -n "$cpid" -a "$(wc -l <"$WORK/kill-2/pages.jsonl")" -lt "$(sed -n '/^--forbidden/q;p' "$WORK/kill.list" | wc -l)"
check "kill -9: the other two finish (exit 8):$NODE_RCS" all_rc 8
mkdir -p "$WORK/kill-surv"
cat "$WORK/kill-1/pages.jsonl" "$WORK/kill-3/pages.jsonl" >"$WORK/kill-surv/pages.jsonl"
check "kill -9: the two survivors together hold no URL twice" \
	node tests/e2e-check.mjs "$WORK/kill-surv" "$WORK/kill.list" "$LOG" --refetch-ok --subset
check "kill -9: the union holds every expected URL exactly once (${redone:-?} of the victim's pages done again)" \
	node tests/e2e-check.mjs "$WORK/kill-all" "$WORK/kill.list" "$LOG" --refetch-ok
check "kill -9: the survivors' WARC files are valid" bash -c \
	"node tests/warc-check.mjs '$WORK/kill-1' && node tests/warc-check.mjs '$WORK/kill-3'"

echo "e2e-redis: Redis restarted (AOF) mid-crawl"
stop_redis
rm -rf "$WORK/redis"
start_redis --appendonly yes --appendfsync always || exit 1
LOG="$WORK/aof.log"
start_server "$BUILD" "$LOG" --hosts 6 --pages 60 --latency-ms 40 || exit 1
"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts 6 --pages 60 >"$WORK/aof.list"
# shellcheck disable=SC2046
nodes aof 3 120 -c 4 --lease 10 $(resolve_args "$SRV_PORT" 6) $(seed_args "$SRV_PORT" 6)
for _ in $(seq 1 200); do
	[ "$(cat "$WORK"/aof-*/pages.jsonl 2>/dev/null | wc -l)" -ge 60 ] && break
	sleep 0.05
done
kill -9 "$REDIS_PID"
wait "$REDIS_PID" 2>/dev/null
REDIS_PID=""
before=$(cat "$WORK"/aof-*/pages.jsonl | wc -l)
sleep 1
start_redis --appendonly yes --appendfsync always || exit 1
wait_nodes
stop_server
union aof 3
for k in 1 2 3; do cp "$WORK/aof-$k.err" "$WORK/aof-$k.keep"; done
counts="$(wc -l <"$WORK/aof-1/pages.jsonl") $(wc -l <"$WORK/aof-2/pages.jsonl") $(wc -l <"$WORK/aof-3/pages.jsonl")"
check "Redis restart: killed after $before pages, the nodes reconnect and finish (exit 8):$NODE_RCS, pages $counts" all_rc 8
check "Redis restart: the union holds every expected URL exactly once" \
	node tests/e2e-check.mjs "$WORK/aof-all" "$WORK/aof.list" "$LOG" --refetch-ok
check "Redis restart: the nodes said they reconnected" grep -q "connected again" "$WORK"/aof-1.err

echo "e2e-redis: bad starts"
stop_redis
dead=$(free_port)
"$SC" -q -o "$WORK/unreach" --redis "redis://127.0.0.1:$dead" --crawl x http://h0.test:1/ \
	>/dev/null 2>"$WORK/unreach.err"
rc=$?
check "Redis unreachable: exit 2, one line" bash -c \
	"[ $rc = 2 ] && [ \$(wc -l <'$WORK/unreach.err') = 1 ] && grep -q 'cannot reach Redis' '$WORK/unreach.err'"
start_redis || exit 1
"$SC" -q -o "$WORK/conf1" --redis "$RURL" --crawl conf --depth 0 --connect-timeout 1 --retries 0 \
	--resolve "h0.test:$dead:127.0.0.1" "http://h0.test:$dead/" >/dev/null 2>&1
"$SC" -q -o "$WORK/conf" --redis "$RURL" --crawl conf --depth 2 >/dev/null 2>"$WORK/conf.err"
rc=$?
check "a join with conflicting settings: exit 2, one line" bash -c \
	"[ $rc = 2 ] && [ \$(wc -l <'$WORK/conf.err') = 1 ] && grep -q 'depth' '$WORK/conf.err'"
"$SC" --redis "$RURL" --crawl nosuch --status >/dev/null 2>"$WORK/nosuch.err"
rc=$?
check "--status of no such crawl: exit 2, one line" bash -c \
	"[ $rc = 2 ] && [ \$(wc -l <'$WORK/nosuch.err') = 1 ]"
stop_redis

echo "e2e-redis: $pass passed, $fail failed"
[ "$fail" = 0 ]
