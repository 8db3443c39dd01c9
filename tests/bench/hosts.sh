#!/usr/bin/env bash
# hosts.sh BUILD [N...] - shard CPU per host on crawls of many distinct hosts
# (not part of 'make test'; minutes to an hour, depending on N).
#
# For each N (default: 10000 100000 1000000) it writes a --urls list of N
# URLs http://127.X.Y.Z:PORT/, one on each of N distinct loopback hosts,
# and crawls it with --depth 0 --no-robots against one testsrv
# --any-loopback (every 127.0.0.0/8 address, routed to h0.test's site);
# then the N given by HOSTS_ROBOTS_N (default 100000; 0: none) once more
# with robots.txt on (one robots.txt fetch per host: twice the transfers).
# It prints one line per crawl: pages, failures, wall time, shard and
# coordinator CPU (stats.json), shard CPU per host and the shards' peak RSS.
# The figure to watch: shard CPU per host must not grow with N.
#
# Environment: HOSTS_JOBS (-j, default 2), HOSTS_C (-c, default 128),
# HOSTS_TIMEOUT (seconds per crawl, default 3600: a crawl that runs past it
# is stopped and reported as such), BENCH_TMP (where the lists and crawl
# outputs go, default /tmp; each output is removed after its figures are
# read).  Loopback only; every process started here is stopped by its pid.
set -u -o pipefail
BUILD=${1:-build}
shift || true
cd "$(dirname "$0")/../.." || exit 1
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
SIZES=${*:-10000 100000 1000000}
JOBS=${HOSTS_JOBS:-2}
CONC=${HOSTS_C:-128}
TMO=${HOSTS_TIMEOUT:-3600}
ROBOTS_N=${HOSTS_ROBOTS_N:-100000}
SC=$BUILD/shardcrawl
SRV=$BUILD/testsrv

say() { echo "hosts: $*" >&2; }
die() { say "$*"; exit 1; }
for f in "$SC" "$SRV"; do
	[ -x "$f" ] || die "'$f' is missing: build it first (make programs)"
done
for n in $SIZES $ROBOTS_N; do
	[[ $n =~ ^[0-9]+$ ]] && [ "$n" -le 16000000 ] || die "N must be 0..16000000, not '$n'"
done
[[ $JOBS =~ ^[0-9]+$ && $CONC =~ ^[0-9]+$ && $TMO =~ ^[0-9]+$ ]] ||
	die "HOSTS_JOBS, HOSTS_C and HOSTS_TIMEOUT must be numbers"

WORK=$(mktemp -d "${BENCH_TMP:-/tmp}/sc-hosts.XXXXXX") || die "cannot make a work directory"
SRV_PID=""
TOOL_PID=""
cleanup() {
	local p
	for p in $TOOL_PID $SRV_PID; do
		kill "$p" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server outlives every crawl: the sum of the timeouts, plus a margin.
nruns=0
for n in $SIZES; do nruns=$((nruns + 1)); done
[ "$ROBOTS_N" -gt 0 ] && nruns=$((nruns + 1))
srv_secs=$((nruns * (TMO + 60)))
[ "$srv_secs" -gt 86400 ] && srv_secs=86400
"$SRV" --port 0 --any-loopback --max-seconds "$srv_secs" >"$WORK/port" 2>"$WORK/srv.err" &
SRV_PID=$!
PORT=""
for _ in $(seq 1 100); do
	PORT=$(awk '$1 == "port" { print $2 }' "$WORK/port")
	[ -n "$PORT" ] && break
	sleep 0.05
done
[ -n "$PORT" ] || die "testsrv did not start: $(cat "$WORK/srv.err")"

# urls N FILE: N distinct hosts 127.X.Y.Z, X from 1, Y and Z in 1..254
urls() {
	awk -v n="$1" -v port="$PORT" 'BEGIN {
		for (i = 0; i < n; i++) {
			x = int(i / 64516); r = i % 64516
			printf "http://127.%d.%d.%d:%d/\n", x + 1, int(r / 254) + 1, r % 254 + 1, port
		}
	}' >"$2"
}

# json KEY FILE: a number from stats.json
json() { sed -n "s/^ *\"$1\": \([0-9.]*\).*/\1/p" "$2" | head -n 1; }

printf '%-9s %-6s %8s %7s %8s %9s %9s %12s %12s\n' hosts robots pages failed wall_s \
	shards_s coord_s "shard_ms/h" shard_rss_MB
run() {
	local n=$1 robots=$2 out="$WORK/out" rc st
	local -a ropt=(--no-robots)
	[ "$robots" = on ] && ropt=()
	urls "$n" "$WORK/urls"
	rm -rf "$out"
	timeout "$TMO" "$SC" -q -j "$JOBS" -c "$CONC" --depth 0 "${ropt[@]}" \
		--retries 0 --urls "$WORK/urls" -o "$out" 2>"$WORK/crawl.err" &
	TOOL_PID=$!
	wait "$TOOL_PID"
	rc=$?
	TOOL_PID=""
	st="$out/stats.json"
	if [ ! -s "$st" ]; then
		say "N=$n robots $robots: no stats.json (exit $rc$([ $rc = 124 ] && echo ': timed out'))"
		tail -n 5 "$WORK/crawl.err" >&2
		return
	fi
	[ "$rc" = 0 ] || say "N=$n robots $robots: exit $rc$([ $rc = 124 ] && echo ': timed out')"
	awk -v n="$n" -v r="$robots" -v p="$(json pages "$st")" -v f="$(json failed "$st")" \
	    -v w="$(json wall_s "$st")" -v s="$(json shards_cpu_s "$st")" \
	    -v c="$(json coord_cpu_s "$st")" -v m="$(json shard_max_rss_kb "$st")" 'BEGIN {
		printf "%-9d %-6s %8d %7d %8.1f %9.1f %9.1f %12.3f %12.1f\n",
		       n, r, p, f, w, s, c, n ? s * 1000 / n : 0, m / 1024
	}'
	rm -rf "$out"
}

for n in $SIZES; do
	[ "$n" -gt 0 ] && run "$n" off
done
[ "$ROBOTS_N" -gt 0 ] && run "$ROBOTS_N" on
exit 0
