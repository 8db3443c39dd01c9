# lib.sh - shared shell helpers for the test and demo scripts (sourced).
#
# Every server started here is registered and killed on exit, and every
# wait is bounded, so a failing test never leaves a process behind.

# Test bookkeeping for the e2e suites: each keeps pass/fail counts and a
# WORK directory; check NAME CMD... runs CMD with its output in a file and
# shows that output only when it fails.
pass=0
fail=0
ok()  { pass=$((pass + 1)); echo "  ok   $1"; }
bad() { fail=$((fail + 1)); echo "  FAIL $1"; [ -n "${2:-}" ] && sed 's/^/       /' "$2" | head -20; }
check() {
	local name=$1 log="$WORK/check.log"
	shift
	if "$@" >"$log" 2>&1; then ok "$name"; else bad "$name" "$log"; fi
}
now_ms() { date +%s%3N; }

SC_PIDS=()
sc_cleanup() {
	local p
	for p in "${SC_PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${SC_PIDS[@]}"; do wait "$p" 2>/dev/null; done
	SC_PIDS=()
}
trap sc_cleanup EXIT

# start_server BUILD LOGFILE [testsrv options...]: sets SRV_PORT, SRV_PID.
start_server() {
	local build=$1 log=$2 portfile i
	shift 2
	portfile=$(mktemp)
	: >"$log"
	"$build/testsrv" --port 0 --max-seconds 300 --log "$log" "$@" >"$portfile" &
	SRV_PID=$!
	SC_PIDS+=("$SRV_PID")
	for i in $(seq 1 100); do
		SRV_PORT=$(awk '/^port /{print $2}' "$portfile")
		[ -n "$SRV_PORT" ] && break
		sleep 0.05
	done
	rm -f "$portfile"
	[ -n "$SRV_PORT" ] || { echo "test server did not start" >&2; return 1; }
}

stop_server() {
	kill "$SRV_PID" 2>/dev/null
	wait "$SRV_PID" 2>/dev/null
	local keep=() p
	for p in "${SC_PIDS[@]}"; do [ "$p" != "$SRV_PID" ] && keep+=("$p"); done
	SC_PIDS=("${keep[@]}")
}

# resolve_args PORT NHOSTS: --resolve options for h0.test.. and out.test
resolve_args() {
	local port=$1 n=$2 i
	for ((i = 0; i < n; i++)); do printf -- '--resolve h%d.test:%s:127.0.0.1 ' "$i" "$port"; done
	printf -- '--resolve out.test:%s:127.0.0.1' "$port"
}

seed_args() {
	local port=$1 n=$2 i
	for ((i = 0; i < n; i++)); do printf 'http://h%d.test:%s/ ' "$i" "$port"; done
}
