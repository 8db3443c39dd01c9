#!/usr/bin/env bash
# scale.sh BUILD - the "any size on one machine" figures ('make bench'):
#
#   F1  frontier memory: a site whose pages link to ~100 new URLs each,
#       crawled under a low --rate until 5,000,000 URLs are queued, then
#       interrupted: the coordinator's peak RSS against --frontier-memory
#       (64M) plus the seen set; then --resume of it: the time until the
#       first request reaches the server, and the peak RSS of every process
#   S1  latency-bound, 8 hosts at 100 ms, -c 256 --per-host 32 (ideal
#       2,560 pages/s), for host-to-shard splits 4/4, 5/3 and 6/2: the
#       fraction of the ideal each reaches
#   S2  one host, CPU-bound (testsrv pages of ~15 KB, no latency), and one
#       host's bulk list (--depth 0 --urls): -j 2 over -j 1
#
# Everything on 127.0.0.1; every server started here is stopped by PID;
# every crawl runs under timeout.  Environment: BENCH_TMP (default /tmp),
# SCALE_URLS (F1's queue target, default 5000000), SCALE_ONLY (a list of
# the targets to run, default "F1 S1 S2").
set -u -o pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
SC=$BUILD/shardcrawl
TS=$BUILD/testsrv
WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/sc-scale.XXXXXX")
TARGET=${SCALE_URLS:-5000000}
ONLY=" ${SCALE_ONLY:-F1 S1 S2} "
want() { case $ONLY in *" $1 "*) return 0 ;; esac; return 1; }
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$WORK"
}
trap cleanup EXIT
say() { echo "scale: $*" >&2; }
# jnum FILE KEY: a figure of stats.json; KEY may be a path (this_run.wall_s)
jnum() { node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(process.argv[2].split(".").reduce((o, k) => (o ?? {})[k], s) ?? "")' "$1" "$2"; }

cc -O2 -I. tests/bench/shardof.c common/seen.c common/err.c -o "$WORK/shardof" || exit 1

# server NAME ARGS...: start testsrv; sets PORT, SPID
server() {
	local name=$1 i
	shift
	"$TS" --port 0 --max-seconds 900 "$@" >"$WORK/$name.port" 2>"$WORK/$name.err" &
	SPID=$!
	PIDS+=("$SPID")
	PORT=""
	for i in $(seq 1 100); do
		PORT=$(awk '$1 == "port" { print $2 }' "$WORK/$name.port")
		[ -n "$PORT" ] && break
		sleep 0.05
	done
	[ -n "$PORT" ] || { say "testsrv did not start"; exit 1; }
}
stop() { kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null; }

# resolve N: --resolve options for h0.test .. h(N-1).test
resolve() { local i; for ((i = 0; i < $1; i++)); do printf -- '--resolve h%d.test:%s:127.0.0.1 ' "$i" "$PORT"; done; }

ROWS=()
row() { ROWS+=("| $* |"); }

# ---- F1: 5 M URLs queued, then --resume ----
if want F1; then
say "F1: crawling until $TARGET URLs are queued"
server f1 --hosts 10 --pages 1000000 --links 105 --log "$WORK/f1.log"
out=$WORK/f1
seeds=""
for ((i = 0; i < 10; i++)); do seeds="$seeds http://h$i.test:$PORT/"; done
# shellcheck disable=SC2086
timeout 900 "$SC" -q -j 2 -c 64 --per-host 4 --rate 1500 --no-robots -o "$out" \
	$(resolve 10) $seeds 2>"$WORK/f1.err" &
cpid=$!
t0=$(date +%s)
while kill -0 "$cpid" 2>/dev/null; do
	n=$(grep -c '^A' "$out/journal" 2>/dev/null || echo 0)
	[ "$n" -ge "$TARGET" ] && break
	[ $(($(date +%s) - t0)) -gt 600 ] && { say "F1: gave up waiting at $n URLs"; break; }
	sleep 2
done
kill -INT "$cpid"
wait "$cpid"
queued=$(( $(jnum "$out/stats.json" admitted) - $(jnum "$out/stats.json" pages) ))
rss=$(jnum "$out/stats.json" coord_max_rss_kb)
seenb=$(jnum "$out/stats.json" seen_bytes)
memb=$(jnum "$out/stats.json" frontier_mem_bytes)
spill=$(jnum "$out/stats.json" spill_bytes)
jbytes=$(stat -c %s "$out/journal")
admitted=$(jnum "$out/stats.json" admitted)
row "F1 crawl | $queued queued, $admitted admitted | coord peak RSS $((rss / 1024)) MB | seen set $((seenb / 1048576)) MB, frontier in memory $((memb / 1048576)) MB, on disk $((spill / 1048576)) MB | journal $((jbytes / admitted)) B/URL"
say "F1: --resume"
size0=$(stat -c %s "$WORK/f1.log")
t0=$(date +%s%3N)
"$SC" -q --resume "$out" 2>"$WORK/f1r.err" &
cpid=$!
(sleep 300; kill -9 "$cpid" 2>/dev/null) &
PIDS+=("$!")
first=""
for i in $(seq 1 1200); do
	[ "$(stat -c %s "$WORK/f1.log")" -gt "$size0" ] && { first=$(date +%s%3N); break; }
	kill -0 "$cpid" 2>/dev/null || break
	sleep 0.05
done
sleep 3
for p in $(pgrep -P "$cpid"); do echo "shard $p $(awk '/VmHWM/ {print $2}' /proc/$p/status)"; done >"$WORK/f1r.shards"
crss=$(awk '/VmHWM/ {print $2}' /proc/$cpid/status)
kill -INT "$cpid"
wait "$cpid"
srss=$(awk '{ if ($3 > m) m = $3 } END { print m + 0 }' "$WORK/f1r.shards")
row "F1 resume | first request after $(( ${first:-0} - t0 )) ms | coord peak RSS $((crss / 1024)) MB | shard peak RSS $((srss / 1024)) MB |"
stop
fi

# ---- S1: latency-bound, three host-to-shard splits ----
# pick 8 of h0..h59 whose keys split 4/4, 5/3 and 6/2 over 2 shards
if want S1; then
server s1 --hosts 60 --pages 5000 --links 26 --latency-ms 100
for ((i = 0; i < 60; i++)); do echo "h$i.test:$PORT"; done | "$WORK/shardof" 2 >"$WORK/keys"
for split in 4 5 6; do
	hosts="$(awk '$2 == 0 { print $1 }' "$WORK/keys" | head -n $split) $(awk '$2 == 1 { print $1 }' "$WORK/keys" | head -n $((8 - split)))"
	args=""
	for h in $hosts; do args="$args --resolve ${h%%:*}:$PORT:127.0.0.1 http://$h/"; done
	out=$WORK/s1-$split
	# shellcheck disable=SC2086
	timeout 300 "$SC" -q -j 2 -c 256 --per-host 32 --no-robots -o "$out" $args
	p=$(jnum "$out/stats.json" pages)
	w=$(jnum "$out/stats.json" this_run.wall_s)
	row "S1 split $split/$((8 - split)) | $p pages in $w s | $(awk -v p="$p" -v w="$w" 'BEGIN { printf "%.0f pages/s, %.2f of ideal 2560", p / w, p / w / 2560 }') |"
done
stop
fi

# ---- S2: one host over both cores ----
if want S2; then
server s2 --hosts 1 --pages 20000 --pad 15000
for j in 1 2; do
	out=$WORK/s2-$j
	timeout 300 "$SC" -q -j $j -c 64 --per-host 8 --no-robots -o "$out" \
		--resolve "h0.test:$PORT:127.0.0.1" "http://h0.test:$PORT/"
	eval "S2P$j=$(jnum "$out/stats.json" this_run.pages_per_s)"
done
row "S2 one host, crawl | -j 1 $S2P1 pages/s | -j 2 $S2P2 pages/s | $(awk -v a="$S2P1" -v b="$S2P2" 'BEGIN { printf "%.2fx", b / a }') |"
for ((i = 0; i < 100000; i++)); do echo "http://h0.test:$PORT/p/$((i % 20000)).html?i=$i"; done >"$WORK/list"
for j in 1 2; do
	out=$WORK/s2l-$j
	timeout 300 "$SC" -q -j $j -c 64 --per-host 8 --no-robots --depth 0 -o "$out" \
		--resolve "h0.test:$PORT:127.0.0.1" --urls "$WORK/list"
	eval "S2L$j=$(jnum "$out/stats.json" this_run.pages_per_s)"
done
row "S2 one host, list | -j 1 $S2L1 URLs/s | -j 2 $S2L2 URLs/s | $(awk -v a="$S2L1" -v b="$S2L2" 'BEGIN { printf "%.2fx", b / a }') |"
stop
fi

echo "| target | figures |"
echo "|---|---|"
printf '%s\n' "${ROWS[@]}"
