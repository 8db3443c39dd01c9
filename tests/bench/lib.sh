# lib.sh - what the benchmark scripts share (sourced by tests/bench/run.sh
# and realpages.sh): messages, servers started with setsid and stopped by
# their process group on exit, tools run in the background so that a signal
# stops them at once, GNU time around each run, packages installed when
# missing, stats.json figures.  A script sets BENCH_NAME before sourcing,
# and may set WORK and SHM (directories removed on exit).
say() { echo "${BENCH_NAME:-bench}: $*" >&2; }
die() { say "$*"; exit 1; }

# Each server is started with setsid, so its pid is also its process group
# and 'kill -- -PID' takes its children (nginx's worker) with it.
SRV_PIDS=()
WORK=""
SHM=""
MADE_POLICY=""
TOOL_PID=""
cleanup() {
	local p
	stop_tool
	for p in "${SRV_PIDS[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null; done
	for p in "${SRV_PIDS[@]}"; do
		for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL -- "-$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	SRV_PIDS=()
	[ -n "$MADE_POLICY" ] && rm -f /usr/sbin/policy-rc.d
	[ -n "$WORK" ] && rm -rf "$WORK"
	[ -n "$SHM" ] && rm -rf "$SHM"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Tools run in the background and the script waits for them, so that a
# signal interrupts the wait at once (bash runs traps only between commands).
# TOOL_PID is GNU time or timeout; TERM to its children reaches timeout (which
# passes it on) or the tool itself.
# bg_wait CMD...: run CMD in the background, wait, return its status
bg_wait() {
	"$@" &
	TOOL_PID=$!
	wait "$TOOL_PID"
	local rc=$?
	TOOL_PID=""
	return $rc
}
# children PID: the pids whose parent is PID (from /proc: procps may be absent)
children() {
	sed -n "s/^\([0-9]*\) (.*) [A-Za-z] $1 .*/\1/p" /proc/[0-9]*/stat 2>/dev/null
}
stop_tool() {
	local kids
	[ -n "$TOOL_PID" ] || return 0
	kids=$(children "$TOOL_PID")
	# shellcheck disable=SC2086
	[ -n "$kids" ] && kill -TERM $kids 2>/dev/null
	kill -TERM "$TOOL_PID" 2>/dev/null
	for _ in $(seq 1 100); do kill -0 "$TOOL_PID" 2>/dev/null || break; sleep 0.1; done
	# shellcheck disable=SC2086
	[ -n "$kids" ] && kill -KILL $kids 2>/dev/null
	kill -KILL "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=""
}

# stop_srv PID: stop one server started by start_bg and forget it
stop_srv() {
	local pid=$1 keep=() p
	kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for p in "${SRV_PIDS[@]}"; do [ "$p" != "$pid" ] && keep+=("$p"); done
	SRV_PIDS=("${keep[@]}")
}


# need_pkgs PKG...: install the Debian packages of the list that are missing
# (nginx counts as there when any nginx is on the PATH).  Installing nginx
# would start the system service on port 80: a policy-rc.d that says no
# (Docker images ship one) prevents that while apt-get runs.
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
need_pkgs() {
	local missing="" p
	for p in "$@"; do
		if [ "$p" = nginx ]; then
			installed nginx-light || installed nginx || command -v nginx >/dev/null 2>&1 ||
				missing="$missing nginx-light"
		else
			installed "$p" || missing="$missing $p"
		fi
	done
	[ -n "$missing" ] || return 0
	say "installing:$missing"
	[ "$(id -u)" = 0 ] || die "need root to install:$missing"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d &&
			MADE_POLICY=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	timeout 300 apt-get update -qq
	# shellcheck disable=SC2086
	timeout 900 apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		say "apt-get install failed; going on with what is there"
	[ -n "$MADE_POLICY" ] && rm -f /usr/sbin/policy-rc.d && MADE_POLICY=""
	return 0
}

# settle: write back the previous run's files first, so that the disk
# writeback does not land in the next run's time
settle() { timeout 120 sync; }

# timed TIMEFILE SECONDS CMD...: run CMD under timeout and GNU time; TIMEFILE
# gets "wall user sys maxrss_kb".  Returns CMD's status (124: timed out).
timed() {
	local tf=$1 t=$2 rc
	shift 2
	bg_wait "$GTIME" -o "$tf.raw" -f '%e %U %S %M' timeout -k 5 "$t" "$@"
	rc=$?
	tail -n 1 "$tf.raw" >"$tf" 2>/dev/null
	return $rc
}

# jnum FILE KEY: a number from stats.json (empty if missing)
jnum() {
	tr -d '\n' <"$1" 2>/dev/null | grep -o "\"$2\": *[0-9.]*" | head -n 1 | sed 's/.*: *//'
}
# jerrors FILE: the sum of the counts in stats.json's "errors" object
jerrors() {
	tr -d '\n' <"$1" 2>/dev/null | grep -o '"errors": *{[^}]*}' |
		grep -o ': *[0-9]*' | tr -d ': ' | awk '{ s += $1 } END { print s + 0 }'
}

