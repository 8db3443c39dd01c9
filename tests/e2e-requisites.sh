#!/usr/bin/env bash
# e2e-requisites.sh BUILD - page requisites and robots.txt records against the
# test server's req.test site (images with srcset, <picture>, stylesheets
# with url() and @import four deep, <style> and style attributes, an SVG
# <object>, a script, media, an off-scope asset host assets.test, a
# requisite robots.txt disallows).  tests/req-check.mjs holds the expected
# list and reads the server log, pages.jsonl and the WARC files (warcio).
# Prints "e2e-requisites: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-e2e-req.XXXXXX)

# crawl NAME [options...]: crawl http://req.test/ into $WORK/NAME with a
# fresh server.  Sets OUT, LOG, CRAWL_RC, P.
crawl() {
	local name=$1
	shift
	OUT="$WORK/$name"
	LOG="$WORK/$name.log"
	start_server "$BUILD" "$LOG" --hosts 1 --pages 5 || return 1
	P=$SRV_PORT
	# shellcheck disable=SC2086
	timeout 120 "$SC" ${QUIET--q} -j 2 -c 8 -o "$OUT" --resolve "req.test:$P:127.0.0.1" \
		--resolve "assets.test:$P:127.0.0.1" "$@" "http://req.test:$P/" \
		>"$WORK/$name.stdout" 2>"$WORK/$name.stderr"
	CRAWL_RC=$?
	stop_server
}

echo "e2e-requisites: page requisites, robots.txt records"

crawl on
check "requisites on (default): exit 0 (the one robots.txt exclusion is no failure)" \
	test "$CRAWL_RC" = 0
check "requisites on: every requisite fetched once, in pages.jsonl marked, in the WARC files; nothing else" \
	node tests/req-check.mjs on "$OUT" "$LOG" "$P"
check "requisites on: WARC files valid (warc-check), robots.txt records indexed" \
	node tests/warc-check.mjs "$OUT"
check "robots.txt: a request and a response record per host, its pages.jsonl line kind robots" \
	sh -c "test \$(grep -c '\"kind\":\"robots\"' '$OUT/pages.jsonl') = 2 &&
		test \$(zcat '$OUT'/*.warc.gz | grep -ac '^WARC-Target-URI: http://req.test:$P/robots.txt') = 2"
QUIET= crawl summary
check "the summary line: pages.jsonl's lines less the robots.txt ones, exit 0" sh -c "
	test $CRAWL_RC = 0 &&
	grep -q \"^shardcrawl: \$(grep -vc kind.:.robots '$OUT/pages.jsonl') pages (.*, 1 excluded, 0 failed)\" '$WORK/summary.stderr'"

crawl off --no-requisites
check "--no-requisites: exit 0" test "$CRAWL_RC" = 0
check "--no-requisites: the two pages and robots.txt only, no requisite line" \
	node tests/req-check.mjs off "$OUT" "$LOG" "$P"
check "--no-requisites: stored in settings" grep -q '^requisites	0$' "$OUT/settings"

crawl depth0 --depth 0
check "--depth 0: the seed's requisites still fetched, its links not" \
	node tests/req-check.mjs depth0 "$OUT" "$LOG" "$P"

crawl deny --reject .webp --deny /media/
check "--reject and --deny still refuse requisites" sh -c "
	! grep -qE ' /img/p(-2x)?\\.webp | /media/' '$LOG' && grep -q ' /img/p.png ' '$LOG'"

# a robots.txt that redirects: its last request and response are archived,
# under the URL they came from
start_server "$BUILD" "$WORK/redir.log" --hosts 1 --pages 5 || exit 1
timeout 60 "$SC" -q --depth 0 -o "$WORK/redir" --resolve "robots-redirect.test:$SRV_PORT:127.0.0.1" \
	"http://robots-redirect.test:$SRV_PORT/" 2>/dev/null
stop_server
check "robots.txt redirected: one robots line, for the target, its records valid" sh -c "
	test \$(grep -c '\"kind\":\"robots\"' '$WORK/redir/pages.jsonl') = 1 &&
	grep -q '\"url\":\"http://robots-redirect.test:$SRV_PORT/real-robots.txt\",\"status\":200,.*\"kind\":\"robots\"' '$WORK/redir/pages.jsonl' &&
	test \$(zcat '$WORK/redir'/*.warc.gz | grep -ac '^GET /real-robots.txt ') = 1 &&
	! zcat '$WORK/redir'/*.warc.gz | grep -aq '^GET /robots.txt ' &&
	node tests/warc-check.mjs '$WORK/redir'"

# SIGKILL mid-crawl (slow: --delay), then --resume: queued requisites come
# back from the journal (Q lines) still requisites
start_server "$BUILD" "$WORK/resume.log" --hosts 1 --pages 5 || exit 1
P=$SRV_PORT
OUT="$WORK/resume"
# no timeout(1): $! must be the crawler (the server's --max-seconds bounds it)
"$SC" -q -j 2 -c 4 --per-host 1 --delay 100 -o "$OUT" \
	--resolve "req.test:$P:127.0.0.1" --resolve "assets.test:$P:127.0.0.1" \
	"http://req.test:$P/" >/dev/null 2>&1 &
pid=$!
SC_PIDS+=("$pid")
for _ in $(seq 1 100); do
	[ "$(grep -c requisite "$OUT/pages.jsonl" 2>/dev/null)" -ge 3 ] 2>/dev/null && break
	sleep 0.05
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
check "resume: killed with requisites still queued (journal Q lines)" sh -c "
	grep -q '^Q	1	1	0	' '$OUT/journal' &&
	test \$(grep -c requisite '$OUT/pages.jsonl') -lt 30"
timeout 120 "$SC" -q --resume "$OUT" >/dev/null 2>"$WORK/resume.err"
rc=$?
stop_server
check "resume: exit 0" test "$rc" = 0
check "resume: every requisite once in pages.jsonl, still marked, with its referrer" \
	node tests/req-check.mjs resume "$OUT" "$WORK/resume.log" "$P"
check "resume: WARC files valid" node tests/warc-check.mjs "$OUT"

# --recrawl: the previous crawl's requisites are queued as requisites, at
# their levels (pages.jsonl's "level"), so the depth cap still holds; both
# crawls against one server (the URLs name its port)
LOG="$WORK/recrawl.log"
start_server "$BUILD" "$LOG" --hosts 1 --pages 5
P=$SRV_PORT
for run in prev again; do
	extra=()
	[ $run = again ] && extra=(--recrawl "$WORK/prev")
	timeout 120 "$SC" -q -j 2 -c 8 -o "$WORK/$run" --resolve "req.test:$P:127.0.0.1" \
		--resolve "assets.test:$P:127.0.0.1" "${extra[@]}" "http://req.test:$P/" \
		>/dev/null 2>"$WORK/$run.stderr"
done
stop_server
levels() { grep -o '"level":[0-9]*' "$1" | sort | uniq -c; }
check "--recrawl: every requisite again a requisite, at its level" sh -c "
	test \$(grep -c '\"requisite\":true' '$WORK/prev/pages.jsonl') -ge 30 &&
	test \$(grep -c '\"requisite\":true' '$WORK/prev/pages.jsonl') = \$(grep -c '\"requisite\":true' '$WORK/again/pages.jsonl') &&
	grep -q '\"level\":5' '$WORK/again/pages.jsonl'"
check "--recrawl: the same number of requisites at each level" \
	test "$(levels "$WORK/prev/pages.jsonl")" = "$(levels "$WORK/again/pages.jsonl")"
check "--recrawl: the stylesheet past the cap is still not read" sh -c "! grep -q too-deep '$LOG'"

echo "e2e-requisites: $pass passed, $fail failed"
[ "$fail" = 0 ] && rm -rf "$WORK"
[ "$fail" = 0 ]
