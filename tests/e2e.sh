#!/usr/bin/env bash
# e2e.sh BUILD - end-to-end tests: real crawls of the test server on
# 127.0.0.1, output read back with the independent warcio checker.
# Prints "e2e: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-e2e.XXXXXX)
HOSTS=3
PAGES=40
pass=0
fail=0


# crawl NAME [options...]: crawl the standard site into $WORK/NAME with a
# fresh server and log; sets OUT, LOG, LIST.  EXTRA_SEED=/PATH adds
# http://h0.test:PORT/PATH to the seeds.
EXTRA_SEED=
crawl() {
	local name=$1
	shift
	OUT="$WORK/$name"
	LOG="$WORK/$name.log"
	LIST="$WORK/$name.list"
	start_server "$BUILD" "$LOG" --hosts $HOSTS --pages $PAGES || return 1
	"$BUILD/testsrv" --list --port "$SRV_PORT" --hosts $HOSTS --pages $PAGES >"$LIST"
	# shellcheck disable=SC2046
	timeout 120 "$SC" -q -o "$OUT" $(resolve_args "$SRV_PORT" $HOSTS) "$@" \
		$(seed_args "$SRV_PORT" $HOSTS) ${EXTRA_SEED:+"http://h0.test:$SRV_PORT$EXTRA_SEED"} \
		>"$WORK/$name.stdout" 2>"$WORK/$name.stderr"
	CRAWL_RC=$?
	stop_server
}

# the test site always serves 404s (/missing.html), so a full crawl of it
# ends with exit status 8: finished, but not every page 2xx or 3xx
echo "e2e: full crawls of the test site ($HOSTS hosts x $PAGES pages + special pages)"
for j in 1 2 4; do
	crawl "j$j" -j "$j" -c 16
	check "-j $j: crawl exits 8 (the site has 404s)" test "$CRAWL_RC" = 8
	check "-j $j: every expected URL once, nothing out of scope, no URL requested twice" \
		node tests/e2e-check.mjs "$OUT" "$LIST" "$LOG"
	check "-j $j: WARC files valid (warcio), digests and index offsets right" \
		node tests/warc-check.mjs "$OUT"
	check "-j $j: stats.json counts every page" \
		node -e 'const s=require(process.argv[1]); const n=require("fs").readFileSync(process.argv[2],"utf8").trim().split("\n").filter(l=>!l.includes("\"kind\":\"robots\"")).length; if (s.pages!==n || s.shards!=='"$j"') process.exit(1)' \
		"$OUT/stats.json" "$OUT/pages.jsonl"
	check "-j $j: stats.json outcome: the 2xx, 3xx and 4xx of the site's list, none failed" \
		node -e '
	const s = require(process.argv[1]), want = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, excluded: 0, failed: 0 };
	const list = require("fs").readFileSync(process.argv[2], "utf8").split("--forbidden")[0];
	for (const l of list.trim().split("\n")) want[l.split(" ")[1][0] + "xx"]++;
	const o = s.outcome;
	if (JSON.stringify(o) !== JSON.stringify(want) || s.ok !== want["2xx"] + want["3xx"] || s.failed !== 0)
		{ console.log(JSON.stringify(o), JSON.stringify(want)); process.exit(1); }' "$OUT/stats.json" "$LIST"
	check "-j $j: stats.json hosts: the 3 hosts, each with its pages, errors and bytes" \
		node -e '
	const s = require(process.argv[1]), want = {};
	for (const l of require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n")) {
		const p = JSON.parse(l), h = new URL(p.url).host;
		if (p.kind === "robots") continue;
		want[h] = want[h] || { pages: 0, errors: 0, bytes: 0 };
		want[h].pages++; want[h].bytes += p.bytes;
		if (p.error || p.status < 200 || p.status >= 400) want[h].errors++;
	}
	const got = {};
	for (const h of s.hosts) got[h.host] = { pages: h.pages, errors: h.errors, bytes: h.bytes };
	if (Object.keys(want).length !== 3 || s.hosts.length !== 3 || s.hosts_exact !== true ||
	    JSON.stringify(got, Object.keys(want).sort()) !== JSON.stringify(want, Object.keys(want).sort()) ||
	    s.hosts.some((h) => h.overcount !== 0 || h.pages !== '"$((PAGES + 20))"'))
		{ console.log(JSON.stringify(s.hosts), JSON.stringify(want)); process.exit(1); }' \
		"$OUT/stats.json" "$OUT/pages.jsonl"
done
check "-j 1: stdout stays empty (summary goes to stderr, -q silences it)" \
	test ! -s "$WORK/j1.stdout" -a ! -s "$WORK/j1.stderr"

echo "e2e: options"
crawl depth1 --depth 1
check "--depth 1: only seeds and their direct links" node -e '
	const lines=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse);
	const deep=lines.filter(l=>l.depth>1); const d1=lines.filter(l=>l.depth===1);
	if (deep.length || d1.length < 10 || lines.some(l=>/\/p\/(1[0-9]|[2-3][0-9])\.html/.test(l.url) && l.depth===0)) process.exit(1)' "$OUT/pages.jsonl"
check "--depth 1: subset of the site, server saw nothing twice" node tests/e2e-check.mjs "$OUT" "$LIST" "$LOG" --subset

crawl maxpages --max-pages 25 -j 2
check "--max-pages 25: exactly 25 lines" test "$(grep -vc kind.:.robots "$OUT/pages.jsonl")" = 25
check "--max-pages 25: server got at most 25 page requests" test "$(grep -vc ' /robots.txt ' "$LOG")" -le 25
check "--max-pages 25: output valid" node tests/warc-check.mjs "$OUT"

crawl deny --deny '/p/[0-9]*[02468]\.html$' --deny 'refresh'
check "--deny: no denied URL fetched" sh -c "! grep -E '/p/[0-9]*[02468]\.html |refresh' '$LOG'"
check "--deny: odd pages still fetched" grep -q '/p/1.html ' "$LOG"

crawl allow --allow '/p/' --allow '^http://h[0-9]\.test:[0-9]+/$'
check "--allow: only allowed URLs beyond the seeds" sh -c "! grep -vE ' /p/| / | /robots.txt ' '$LOG'"
check "--allow: pages under /p/ fetched" test "$(grep -c ' /p/' "$LOG")" = $((HOSTS * PAGES))

crawl reject --reject txt,.PNG
check "--reject txt,.PNG: /files/data.txt and /files/img.png never requested" \
	sh -c "grep -q ' / ' '$LOG' && ! grep -q ' /files/' '$LOG'"
check "--reject: everything else crawled, nothing twice" sh -c "
	node tests/e2e-check.mjs '$OUT' '$LIST' '$LOG' --subset &&
	test \$(grep -vc kind.:.robots '$OUT/pages.jsonl') = $(( (PAGES + 18) * HOSTS ))"
crawl accept --accept html,/
check "--accept html,/: every request's path ends in .html or / (or is robots.txt)" \
	sh -c "grep -q ' /p/1.html ' '$LOG' && ! awk '\$4 != \"/robots.txt\" && \$4 !~ /(\\.html|\\/)\$/' '$LOG' | grep -q ."
check "--accept html,/: the redirects and files were not followed; all pages under /p/ were" sh -c "
	! grep -qE ' /redir| /files/' '$LOG' && test \$(grep -c ' /p/' '$LOG') = $((HOSTS * PAGES))"
EXTRA_SEED=/files/img.png crawl seedfilter --reject png,html --accept nothing -j 1
check "--reject / --accept: never applied to seeds" sh -c "
	test \$(grep -c '\"status\":200' '$OUT/pages.jsonl') = $((HOSTS + 1)) &&
	grep -q '/files/img.png\",\"status\":200' '$OUT/pages.jsonl'"

crawl scopeany --scope any
check "--scope any: out.test is crawled too" grep -q '^[0-9]* out.test:' "$LOG"
crawl scopehost
check "--scope host (default): out.test never requested" sh -c "! grep -q ' out.test:' '$LOG'"

crawl maxsize --max-size 300 -j 1
check "--max-size 300: pages cut and marked truncated" node -e '
	const lines=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse);
	const t=lines.filter(l=>l.truncated); if (t.length < 10 || t.some(l=>l.bytes>300)) process.exit(1)' "$OUT/pages.jsonl"
check "--max-size 300: WARC-Truncated records pass warcio" node tests/warc-check.mjs "$OUT"
check "--max-size 300: records say WARC-Truncated: length" sh -c "zcat '$OUT'/*.warc.gz | grep -qa 'WARC-Truncated: length'"

crawl rotate --warc-max-size 8k -j 2
check "--warc-max-size 8k: several WARC files" test "$(ls "$OUT"/crawl-*.warc.gz | wc -l)" -ge 5
check "--warc-max-size 8k: each file valid, warcinfo first, offsets right" node tests/warc-check.mjs "$OUT"
check "--warc-max-size 8k: still the full site" node tests/e2e-check.mjs "$OUT" "$LIST" "$LOG"

crawl headers --user-agent 'e2e-agent/1.0' --header 'X-E2E: yes' -j 1
check "--user-agent and --header are sent (request records)" sh -c "
	n=\$(zcat '$OUT'/*.warc.gz | grep -ac '^User-Agent: e2e-agent/1.0'); h=\$(zcat '$OUT'/*.warc.gz | grep -ac '^X-E2E: yes');
	l=\$(wc -l <'$OUT/pages.jsonl'); [ \"\$n\" = \"\$l\" ] && [ \"\$h\" = \"\$l\" ]"

# --urls with a file: listed seeds only (depth 0), one bad line recorded
start_server "$BUILD" "$WORK/urls.log" --hosts 1 --pages 40
{
	echo "# a comment"
	for i in 3 1 4 1 5 9 2 6; do echo "http://h0.test:$SRV_PORT/p/$i.html"; done
	echo "  http://H0.TEST:$SRV_PORT/p/3.html#dup  "
	echo "not a url"
	echo ""
} >"$WORK/urls.txt"
timeout 60 "$SC" -q -o "$WORK/urls" --depth 0 --resolve "h0.test:$SRV_PORT:127.0.0.1" \
	--urls "$WORK/urls.txt" 2>"$WORK/urls.stderr"
check "--urls FILE --depth 0: exit 8 (a line that is no URL failed)" test $? = 8
check "--urls: 7 distinct URLs fetched once, bad line recorded" node -e '
	const lines=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse).filter(l=>l.kind!=="robots");
	const ok=lines.filter(l=>l.status===200), badl=lines.filter(l=>l.error && l.error.startsWith("url:"));
	if (lines.length!==8 || ok.length!==7 || badl.length!==1 || new Set(ok.map(l=>l.url)).size!==7) process.exit(1)' "$WORK/urls/pages.jsonl"
check "--urls: server saw 7 page requests" test "$(grep -vc ' /robots.txt ' "$WORK/urls.log")" = 7
: >"$WORK/urls.log"
printf 'http://h0.test:%s/p/7.html\nhttp://h0.test:%s/p/8.html\n' "$SRV_PORT" "$SRV_PORT" |
	timeout 60 "$SC" -q -o "$WORK/stdin" --depth 0 --resolve "h0.test:$SRV_PORT:127.0.0.1" --urls - 2>/dev/null
check "--urls - reads stdin, two 200s: exit 0" \
	test "${PIPESTATUS[1]}" = 0 -a "$(grep -vc kind.:.robots "$WORK/stdin/pages.jsonl")" = 2
check "robots.txt asked for once per host, before anything else" sh -c "
	test \"\$(grep -c ' /robots.txt ' '$WORK/urls.log')\" = 1 && head -n 1 '$WORK/urls.log' | grep -q ' /robots.txt '"
timeout 60 "$SC" -q -o "$WORK/nofollow" --no-follow --resolve "h0.test:$SRV_PORT:127.0.0.1" \
	"http://h0.test:$SRV_PORT/" 2>/dev/null
check "--no-follow: the seed alone, its links not followed" \
	test "$(grep -vc kind.:.robots "$WORK/nofollow/pages.jsonl")" = 1
stop_server

# a host that refuses connections: recorded, and the crawl ends
timeout 60 "$SC" -q -o "$WORK/refused" --connect-timeout 5 --retry-wait 50 http://127.0.0.1:1/ 2>/dev/null
check "refused connection: exit 8 (the one URL failed)" test $? = 8
check "refused connection: recorded with status 0 and the connect error" \
	grep -q '"status":0,"error":"[^"]*connect: ' "$WORK/refused/pages.jsonl"
timeout 60 "$SC" -q -o "$WORK/refused2" --no-robots --retries 1 --retry-wait 50 http://127.0.0.1:1/ 2>/dev/null
check "refused connection, --no-robots --retries 1: connect error after 2 attempts" \
	grep -q '"status":0,"error":"connect: .*"attempts":2' "$WORK/refused2/pages.jsonl"

echo "e2e: valgrind"
if [ "${BUILD%asan}" != "$BUILD" ]; then
	echo "  skip valgrind on a sanitizer build"
elif command -v valgrind >/dev/null 2>&1; then
	start_server "$BUILD" "$WORK/vg.log" --hosts 2 --pages 20
	# shellcheck disable=SC2046
	timeout 300 valgrind -q --error-exitcode=99 --trace-children=yes --leak-check=full \
		--errors-for-leak-kinds=definite "$SC" -q -o "$WORK/vg" -j 2 -c 8 \
		$(resolve_args "$SRV_PORT" 2) $(seed_args "$SRV_PORT" 2) >"$WORK/vg.out" 2>&1
	rc=$?
	stop_server
	check "valgrind (coordinator and shards): no errors, no leaks, exit 8 (the site's 404s)" \
		sh -c "test $rc = 8 && ! grep -q 'exited with status' '$WORK/vg.out' && ! grep -q '^==[0-9]*== [A-Z]' '$WORK/vg.out'"
	check "valgrind: the crawl is complete" test "$(grep -vc kind.:.robots "$WORK/vg/pages.jsonl")" = 80
else
	bad "valgrind is not installed (tests/deps.sh installs it)"
fi

echo "e2e: command line"
check "--help lists every option" sh -c "
	h=\$('$SC' --help); for o in -o -j -c --per-host --depth --max-pages --scope --allow --deny --urls \
	--accept --reject --user-agent --header --resolve --timeout --max-size --warc-max-size --quiet; do
	echo \"\$h\" | grep -q -- \"\$o\" || { echo missing \$o; exit 1; }; done"
for args in "--bogus" "-j 0" "-j x" "-c -1" "--depth" "--scope planet" "--allow (" \
	"--max-size 12Q" "--header NoColon" "--resolve nonsense" "--timeout 0" \
	"--rate 0" "--host-rate -1" "--retries x" "--delay -5" "--max-redirects" \
	"--accept" "--accept ," "--reject a,,b" "--reject .x,$(printf 'y%.0s' $(seq 65))" ""; do
	# shellcheck disable=SC2086
	"$SC" $args http://127.0.0.1:1/ >"$WORK/arg.out" 2>"$WORK/arg.err" </dev/null
	rc=$?
	[ -z "$args" ] && { "$SC" >"$WORK/arg.out" 2>"$WORK/arg.err"; rc=$?; args="(no URL)"; }
	check "bad usage '$args': exit 2 with one line on stderr" \
		test "$rc" = 2 -a "$(wc -l <"$WORK/arg.err")" = 1 -a ! -s "$WORK/arg.out"
done
check "bad seed URL: exit 2" sh -c "'$SC' -o '$WORK/x' 'ftp://a/' 2>/dev/null; test \$? = 2"
check "unwritable output directory: exit 1, one line beginning 'shardcrawl:', the path named" sh -c "
	'$SC' -q -o /proc/nonexistent/out http://127.0.0.1:1/ 2>'$WORK/unw.err'; test \$? = 1 &&
	grep -q '^shardcrawl: .*/proc/nonexistent/out' '$WORK/unw.err' && test \$(wc -l <'$WORK/unw.err') = 1"
check "--help: no stray %%, the --urls and --resume forms in the usage lines" sh -c "
	h=\$('$SC' --help); ! echo \"\$h\" | grep -q '%%' &&
	echo \"\$h\" | head -3 | grep -q -- '--urls FILE' && echo \"\$h\" | head -3 | grep -q -- '--resume DIR'"

echo "e2e: the exit status and the summary line"
# robots-allow.test: 8 pages, every one a 200; one more seed that is a 404
start_server "$BUILD" "$WORK/clean.log" || exit 1
CLEAN="--resolve robots-allow.test:$SRV_PORT:127.0.0.1 http://robots-allow.test:$SRV_PORT/"
# shellcheck disable=SC2086
timeout 60 "$SC" -o "$WORK/clean" $CLEAN 2>"$WORK/clean.err"
rc=$?
check "a site whose pages are all 200: exit 0" test $rc = 0
check "all 200: the summary line counts them by class" \
	grep -q '^shardcrawl: 8 pages (8 2xx, 0 3xx, 0 4xx, 0 5xx, 0 excluded, 0 failed), ' "$WORK/clean.err"
# shellcheck disable=SC2086
timeout 60 "$SC" -o "$WORK/one404" $CLEAN "http://robots-allow.test:$SRV_PORT/nothing.html" \
	2>"$WORK/one404.err"
rc=$?
check "the same site with one 404: exit 8" test $rc = 8
check "one 404: the summary line says 1 4xx" \
	grep -q '^shardcrawl: 9 pages (8 2xx, 0 3xx, 1 4xx, 0 5xx, 0 excluded, 0 failed), ' "$WORK/one404.err"
check "one 404: stats.json says so too (ok 8, outcome 4xx 1, failed 0)" node -e '
	const s = require(process.argv[1]);
	if (s.pages !== 9 || s.ok !== 8 || s.failed !== 0 || s.outcome["4xx"] !== 1 || s.outcome["2xx"] !== 8)
		process.exit(1)' "$WORK/one404/stats.json"
stop_server

echo "e2e: peak RSS from /proc, whoever starts the crawler"
if [ "${BUILD%asan}" != "$BUILD" ]; then
	echo "  skip the RSS figures on a sanitizer build"
else
	# a 200 MB parent: getrusage() would report its peak as the crawler's
	start_server "$BUILD" "$WORK/rss.log" --hosts 1 --pages 20 || exit 1
	node -e '
		const big = Buffer.alloc(200 << 20, 1);
		const r = require("child_process").spawnSync(process.argv[1], process.argv.slice(2), { stdio: "inherit" });
		process.exit(big[12345] === 1 && r.status === 8 ? 0 : 1);' \
		"$SC" -q -o "$WORK/rss" --resolve "h0.test:$SRV_PORT:127.0.0.1" "http://h0.test:$SRV_PORT/"
	rc=$?
	stop_server
	check "started by a 200 MB node process: the crawl exits 8 (a 404)" test $rc = 0
	check "started by a 200 MB node process: coord_max_rss_kb and shard_max_rss_kb far below 200 MB" \
		node -e '
		const s = require(process.argv[1]);
		console.log("coord_max_rss_kb " + s.coord_max_rss_kb + ", shard_max_rss_kb " + s.shard_max_rss_kb);
		for (const k of ["coord_max_rss_kb", "shard_max_rss_kb"])
			if (!(s[k] > 1000 && s[k] < 80000)) process.exit(1);' "$WORK/rss/stats.json"
fi

echo "e2e: the rough edges (seeds without a scheme, -o parents, open-file limits)"
start_server "$BUILD" "$WORK/edges.log" --hosts 1 --pages 5 || exit 1
EDGE="--resolve h0.test:$SRV_PORT:127.0.0.1"
# shellcheck disable=SC2086
timeout 60 "$SC" -q --depth 0 -o "$WORK/a/b/c" $EDGE "h0.test:$SRV_PORT/p/1.html" 2>"$WORK/edges.err"
check "a seed without a scheme means http://; -o a/b/c creates a/b" \
	grep -q "\"url\":\"http://h0.test:$SRV_PORT/p/1.html\",\"status\":200" "$WORK/a/b/c/pages.jsonl"
for nc in 64:8 128:8 256:64; do
	n=${nc%:*}
	# shellcheck disable=SC2086
	timeout 60 prlimit --nofile=$n:$n "$SC" -q -j 2 -c ${nc#*:} -o "$WORK/nofile$n" $EDGE \
		"http://h0.test:$SRV_PORT/" 2>"$WORK/nofile.err"
	rc=$?
	check "ulimit -n $n, -c ${nc#*:} -j 2: the crawl runs to its end (exit $rc; 8 for /missing.html)" \
		sh -c "test $rc = 8 && test \$(grep -vc kind.:.robots '$WORK/nofile$n/pages.jsonl') -ge 5"
done
timeout 60 prlimit --nofile=64:64 "$SC" -q -c 200 -o "$WORK/nofile-low" $EDGE \
	"http://h0.test:$SRV_PORT/" >"$WORK/nofile.out" 2>"$WORK/nofile.err"
rc=$?
check "ulimit -n 64 with -c 200: exit 2, one line naming the limit, nothing created" \
	sh -c "test $rc = 2 && test \$(wc -l <'$WORK/nofile.err') = 1 &&
		grep -q 'limit is 64' '$WORK/nofile.err' && test ! -e '$WORK/nofile-low'"
stop_server

rm -rf "$WORK"
echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
