#!/usr/bin/env bash
# run.sh FUZZ_BUILD SECONDS TARGET... - run each libFuzzer target built in
# FUZZ_BUILD/ (make fuzz-build) for SECONDS, one after the other.
#
# Each target reads data/fuzz/TARGET/ (the seeds and every input that once
# crashed it) and FUZZ_BUILD/corpus/TARGET/, and writes what it finds new to
# the latter; a crash, leak, sanitizer report, broken invariant or timeout
# is written to FUZZ_BUILD/artifacts/TARGET/.  The whole log is kept in
# FUZZ_BUILD/fuzz-TARGET.log; its summary is printed.  To keep a crash:
# fix it, then copy the artifact to data/fuzz/TARGET/crash-<what> so that
# make test replays it.  Exits 1 if any target failed.
set -u
cd "$(dirname "$0")/../.."
B=$1
secs=$2
shift 2

# Longest input tried: a bit past SC_URL_MAX for URLs, 64 KiB for documents.
max_len() {
	case $1 in
	url) echo 16384 ;;
	*) echo 65536 ;;
	esac
}

failed=""
for t in "$@"; do
	bin="$B/fuzz-$t"
	corpus="$B/corpus/$t"
	art="$B/artifacts/$t"
	log="$B/fuzz-$t.log"
	mkdir -p "$corpus" "$art"
	dict=()
	[ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
	echo "== fuzz $t (${secs}s)"
	"$bin" -max_total_time="$secs" -max_len="$(max_len "$t")" \
		-timeout=10 -report_slow_units=1 -print_final_stats=1 \
		-artifact_prefix="$art/" "${dict[@]}" "$corpus" "data/fuzz/$t" \
		>"$log" 2>&1
	rc=$?
	grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))|^Done |Slowest unit|^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" |
		sed 's/^/  /'
	if [ $rc != 0 ]; then
		grep -E '==ERROR|^SUMMARY|invariant broken|Test unit written|^artifact_prefix' "$log" | head -10 | sed 's/^/  /'
		echo "  FAIL $t (exit $rc): see $log"
		failed="$failed $t"
	fi
done
if [ -n "$failed" ]; then
	echo "fuzz: failed:$failed"
	exit 1
fi
echo "fuzz: $# targets ran ${secs}s each, no crash"
