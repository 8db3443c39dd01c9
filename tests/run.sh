#!/usr/bin/env bash
# run.sh BUILD - the whole test suite against the programs in BUILD/:
# unit tests, the WARC checker's self-test, end-to-end crawls.
# Ends with "total: N passed, N failed" and exits 1 if anything failed.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
total_pass=0
total_fail=0

# Sanitizer reports from any process (shards included: one that dies of a
# report would otherwise just be restarted) go to files, checked at the end.
SAN_DIR=$(mktemp -d /tmp/sc-san.XXXXXX)
export ASAN_OPTIONS="log_path=$SAN_DIR/asan:detect_leaks=1"
export UBSAN_OPTIONS="log_path=$SAN_DIR/ubsan:print_stacktrace=1"

# add LINE: add the counts of a "NAME: N passed, N failed" line
add() {
	local p f
	p=$(echo "$1" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(echo "$1" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	total_pass=$((total_pass + ${p:-0}))
	total_fail=$((total_fail + ${f:-1}))
}

echo "== unit tests ($BUILD)"
for t in "$BUILD"/test_*; do
	[ -x "$t" ] || continue
	out=$(timeout 300 "$t" 2>&1)
	rc=$?
	line=$(echo "$out" | tail -n 1)
	echo "$out" | grep -v 'passed, .* failed' | head -30
	echo "$line"
	if [ $rc != 0 ] && ! echo "$line" | grep -q 'passed, [1-9]'; then
		echo "$t exited $rc"
		total_fail=$((total_fail + 1))
	fi
	add "$line"
done

echo "== WARC checker self-test (it must pass good output and catch corruption)"
sp=0 sf=0
d=$(mktemp -d /tmp/sc-wsample.XXXXXX)
if node tests/warc-sample.mjs "$d/s" >/dev/null && node tests/warc-check.mjs "$d/s" >/dev/null; then
	sp=$((sp + 1))
else
	sf=$((sf + 1)); echo "  FAIL clean sample rejected"
fi
for m in $(node tests/warc-sample.mjs --list-corruptions | cut -f1); do
	node tests/warc-sample.mjs "$d/s" --corrupt "$m" >/dev/null
	if node tests/warc-check.mjs "$d/s" >/dev/null 2>&1; then
		sf=$((sf + 1)); echo "  FAIL corruption '$m' not caught"
	else
		sp=$((sp + 1))
	fi
done
rm -rf "$d"
echo "warc-check-selftest: $sp passed, $sf failed"
add "x: $sp passed, $sf failed"

echo "== the HTML tokenizer against parse5 (tests/htmltok/diff.mjs)"
d=$(mktemp -d /tmp/sc-htmltok.XXXXXX)
# 5,000 generated documents, the link fixtures and the tokenizer's own
# corpus of hard cases
if out=$(timeout 300 node tests/htmltok/diff.mjs "$BUILD/htmltok-dump" "$d" 5000 20261202 \
	data/links/*.html data/htmltok/*.html 2>&1); then
	echo "$out" | tail -n 1
	echo "htmltok-diff: 1 passed, 0 failed"
	add "x: 1 passed, 0 failed"
else
	echo "$out" | tail -n 30
	echo "htmltok-diff: 0 passed, 1 failed"
	add "x: 0 passed, 1 failed"
fi
rm -rf "$d"

echo "== fuzz corpus replay (seeds, and every input a fuzzer once crashed on)"
fp=0 ff=0
for d in data/fuzz/*/; do
	t=$(basename "$d")
	bin="$BUILD/fuzz-replay-$t"
	out=""
	if [ -x "$bin" ] && out=$(timeout 300 "$bin" "$d" 2>&1); then
		fp=$((fp + 1))
		echo "  $(echo "$out" | tail -n 1)"
	else
		ff=$((ff + 1)); echo "  FAIL $t ($bin over $d)"
		echo "$out" | tail -n 20
	fi
done
echo "fuzz-replay: $fp passed, $ff failed"
add "x: $fp passed, $ff failed"

for suite in e2e e2e-polite e2e-resume e2e-hostile e2e-frontier e2e-offload e2e-opts e2e-redis \
	e2e-extract e2e-requisites e2e-cdxj; do
	echo "== $suite"
	out=$(bash "tests/$suite.sh" "$BUILD" 2>&1)
	echo "$out"
	add "$(echo "$out" | tail -n 1)"
done

echo "== sanitizer reports"
if ls "$SAN_DIR"/* >/dev/null 2>&1; then
	head -50 "$SAN_DIR"/*
	echo "sanitizers: 0 passed, 1 failed"
	add "x: 0 passed, 1 failed"
else
	echo "sanitizers: 1 passed, 0 failed (no reports from any process)"
	add "x: 1 passed, 0 failed"
fi
rm -rf "$SAN_DIR"

echo
echo "total: $total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
