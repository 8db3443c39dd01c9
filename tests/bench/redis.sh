#!/usr/bin/env bash
# redis.sh BUILD - the "beyond one machine" figures ('make bench'):
#
#   R1  1, 2 and 3 nodes (each -j 1 -c 64) sharing one crawl through Redis,
#       on a site of REDIS_HOSTS hosts behind 100 ms of latency: pages/s of
#       the crawl as a whole (its URLs over the time from the first node's
#       start to the last one's exit) and the ratio to one node; Redis
#       commands and bytes (in + out) per page, from INFO commandstats and
#       INFO stats before and after
#   R2  Redis memory per URL of the seen set at REDIS_FPS (default 10 M)
#       64-bit fingerprints, laid out as the crawler lays them out
#       (sc:NAME:seen:B intsets, B the top 16 bits): used_memory after over
#       before, from INFO memory
#
# Everything on 127.0.0.1; the redis-server and testsrv started here are
# stopped by PID; every crawl runs under timeout.  Environment: BENCH_TMP
# (default /tmp), REDIS_HOSTS (default 120), REDIS_PAGES (40), REDIS_FPS.
set -u -o pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
SC=$BUILD/shardcrawl
TS=$BUILD/testsrv
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/sc-rbench.XXXXXX")
HOSTS=${REDIS_HOSTS:-120}
PAGES=${REDIS_PAGES:-40}
FPS=${REDIS_FPS:-10000000}
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "redis-bench: $*" >&2; }
now_ms() { date +%s%3N; }

RPORT=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
mkdir -p "$WORK/redis"
redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK/redis" \
	--logfile "$WORK/redis/log" &
RPID=$!
PIDS+=("$RPID")
for _ in $(seq 1 100); do [ "$(redis-cli -p "$RPORT" ping 2>/dev/null)" = PONG ] && break; sleep 0.05; done
rcli() { redis-cli -p "$RPORT" "$@"; }
# calls: total commands served; bytes: network bytes in + out
calls() { rcli info commandstats | awk -F'[=,:]' '/^cmdstat_/ { n += $3 } END { print n + 0 }'; }
bytes() { rcli info stats | awk -F: '/^total_net_(input|output)_bytes/ { n += $2 } END { print n + 0 }'; }

"$TS" --port 0 --max-seconds 900 --hosts "$HOSTS" --pages "$PAGES" --latency-ms 100 \
	>"$WORK/srv.port" 2>"$WORK/srv.err" &
PIDS+=("$!")
PORT=""
for _ in $(seq 1 100); do
	PORT=$(awk '$1 == "port" { print $2 }' "$WORK/srv.port")
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "$PORT" ] || { say "testsrv did not start"; exit 1; }
ARGS=()
for ((i = 0; i < HOSTS; i++)); do ARGS+=(--resolve "h$i.test:$PORT:127.0.0.1"); done
SEEDS=()
for ((i = 0; i < HOSTS; i++)); do SEEDS+=("http://h$i.test:$PORT/"); done

base=""
for n in 1 2 3; do
	rcli flushall >/dev/null
	c0=$(calls)
	b0=$(bytes)
	t0=$(now_ms)
	np=()
	for ((k = 1; k <= n; k++)); do
		timeout 300 "$SC" -q -j 1 -c 64 -o "$WORK/r$n-$k" --redis "redis://127.0.0.1:$RPORT" \
			--crawl "b$n" "${ARGS[@]}" "${SEEDS[@]}" >/dev/null 2>"$WORK/r$n-$k.err" &
		np+=("$!")
	done
	for p in "${np[@]}"; do wait "$p"; done
	t1=$(now_ms)
	pages=$(cat "$WORK"/r$n-*/pages.jsonl | wc -l)
	c1=$(calls)
	b1=$(bytes)
	pps=$(awk -v p="$pages" -v t=$((t1 - t0)) 'BEGIN { printf "%.0f", p * 1000 / t }')
	[ -n "$base" ] || base=$pps
	echo "R1 nodes=$n pages=$pages wall_ms=$((t1 - t0)) pages_per_s=$pps" \
	     "ratio=$(awk -v a="$pps" -v b="$base" 'BEGIN { printf "%.2f", a / b }')" \
	     "redis_cmds_per_page=$(awk -v c=$((c1 - c0)) -v p="$pages" 'BEGIN { printf "%.3f", c / p }')" \
	     "redis_bytes_per_page=$(awk -v c=$((b1 - b0)) -v p="$pages" 'BEGIN { printf "%.0f", c / p }')"
done

rcli flushall >/dev/null
m0=$(rcli info memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
# the fingerprints as the crawler sends them: SADD sc:NAME:seen:B FP, FP a
# signed 64-bit integer, B its top 16 bits
node -e '
const crypto = require("crypto"), n = +process.argv[1];
const out = []; let size = 0;
const flush = () => { process.stdout.write(out.join("")); out.length = 0; size = 0; };
for (let i = 0; i < n; i++) {
	const b = crypto.randomBytes(8), u = b.readBigUInt64BE(0), s = BigInt.asIntN(64, u).toString();
	const k = "sc:bench:seen:" + Number(u >> 48n);
	out.push("*3\r\n$4\r\nSADD\r\n$" + k.length + "\r\n" + k + "\r\n$" + s.length + "\r\n" + s + "\r\n");
	if (++size === 100000) flush();
}
flush();' "$FPS" | rcli --pipe >/dev/null
m1=$(rcli info memory | awk -F: '/^used_memory:/ { print $2 + 0 }')
echo "R2 fingerprints=$FPS redis_used_bytes=$((m1 - m0))" \
     "bytes_per_url=$(awk -v m=$((m1 - m0)) -v n="$FPS" 'BEGIN { printf "%.2f", m / n }')" \
     "encoding=$(rcli object encoding sc:bench:seen:1)" \
     "largest_set=$(rcli scard sc:bench:seen:1)"
