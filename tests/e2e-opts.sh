#!/usr/bin/env bash
# e2e-opts.sh BUILD - the request options against the test server: Referer,
# rel=nofollow, --proxy / --no-proxy, cookies; and the progress line.  The
# server's log gives each request's Host (field 2), target (4), status (5)
# and Referer (6, - for none).
# Prints "e2e-opts: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-e2e-opts.XXXXXX)

# crawl NAME [options and seeds...]: a crawl into $WORK/NAME with a fresh
# server (one site host, h0.test, 10 pages); PORT in any argument becomes
# the server's port.  Sets OUT, LOG, CRAWL_RC, P.
crawl() {
	local name=$1
	shift
	OUT="$WORK/$name"
	LOG="$WORK/$name.log"
	start_server "$BUILD" "$LOG" --hosts 1 --pages 10 || return 1
	P=$SRV_PORT
	timeout 120 "$SC" -q -j 2 -c 8 -o "$OUT" --resolve "h0.test:$P:127.0.0.1" \
		--resolve "cookie.test:$P:127.0.0.1" "${@//PORT/$P}" \
		>"$WORK/$name.stdout" 2>"$WORK/$name.stderr"
	CRAWL_RC=$?
	stop_server
}
# has AWK-CONDITION: some request in $LOG matches it; hasnt: none does
has() { awk "$1" "$LOG" | grep -q .; }
hasnt() { ! has "$1"; }

echo "e2e-opts: Referer, rel=nofollow, proxies, cookies"

crawl referer --depth 1 http://h0.test:PORT/
check "referer: the seed and robots.txt carry none" \
	hasnt '($4 == "/" || $4 == "/robots.txt") && $6 != "-"'
check "referer: a link carries the page it was found on" \
	has '$4 == "/refresh.html" && $6 == "http://h0.test:'"$P"'/"'
check "referer: a redirect target carries the URL that redirected" \
	has '$4 == "/landing.html" && $6 == "http://h0.test:'"$P"'/redir-new"'
check "referer: every request but the seed's and robots.txt has one" \
	hasnt '$4 != "/" && $4 != "/robots.txt" && $6 == "-"'
check "referer: it is in the WARC request records" \
	sh -c "zcat '$OUT'/*.warc.gz | grep -a -q '^Referer: http://h0.test:$P/redir-new'"
crawl no-referer --depth 1 --no-referer http://h0.test:PORT/
check "--no-referer: the crawl went past the seed" has '$4 == "/landing.html"'
check "--no-referer: no request carries one" hasnt '$6 != "-"'

# rel=nofollow: the whole site against the server's own expected lists
crawl nofollow http://h0.test:PORT/
"$BUILD/testsrv" --list --port "$P" --hosts 1 --pages 10 >"$WORK/nofollow.list"
check "rel=nofollow: followed by default: the crawl is the site's --list" \
	node tests/e2e-check.mjs "$OUT" "$WORK/nofollow.list" "$LOG"
check "rel=nofollow: both targets fetched" \
	sh -c "grep -q ' /secret-nofollow.html 200 ' '$LOG' && grep -q ' /secret-nofollow2.html 200 ' '$LOG'"
check "meta robots nofollow: still obeyed" hasnt '$4 == "/secret-meta.html"'
crawl obey --obey-rel-nofollow http://h0.test:PORT/
"$BUILD/testsrv" --list --obey-rel-nofollow --port "$P" --hosts 1 --pages 10 >"$WORK/obey.list"
check "--obey-rel-nofollow: the crawl is --list --obey-rel-nofollow" \
	node tests/e2e-check.mjs "$OUT" "$WORK/obey.list" "$LOG"
check "--obey-rel-nofollow: neither target requested" hasnt '$4 ~ /secret/'
check "--obey-rel-nofollow: stored for --resume" grep -q '^obey-rel-nofollow	1$' "$OUT/settings"

# --proxy: testsrv takes absolute-form targets, so it is its own proxy
crawl proxy --depth 1 --proxy http://127.0.0.1:PORT http://h0.test:PORT/
check "--proxy: the crawl ends as a direct one (8: the site has a 404)" test "$CRAWL_RC" = 8
check "--proxy: robots.txt and the pages all go to the proxy (absolute form)" \
	has '$4 == "http://h0.test:'"$P"'/robots.txt"'
check "--proxy: every request in absolute form" hasnt '$4 !~ /^http:\/\/h0\.test:[0-9]+\//'
check "--proxy: redirect targets too" has '$4 == "http://h0.test:'"$P"'/landing.html"'
crawl no-proxy --depth 1 --proxy http://127.0.0.1:PORT --no-proxy h0.test http://h0.test:PORT/
check "--no-proxy: the host is reached directly (origin form)" has '$4 == "/landing.html"'
check "--no-proxy: no request in absolute form" hasnt '$4 ~ /^http:/'
for bad in "--proxy=" "--no-proxy=a b" "--cookie-jar=$WORK/no-such-file"; do
	"$SC" -o "$WORK/bad" "$bad" http://h0.test/ >/dev/null 2>"$WORK/bad.err"
	rc=$?
	check "'$bad': exit 2 with one line" sh -c "test $rc = 2 && test \$(wc -l <'$WORK/bad.err') = 1"
done

# cookies: cookie.test's / sets session=s3cret; /need-session.html and
# /need-jar.html are 200 only with session=s3cret and jar=yes
crawl no-cookies http://cookie.test:PORT/
check "no --cookies: a page that needs the cookie is a 403" \
	has '$4 == "/need-session.html" && $5 == 403'
crawl cookies --cookies http://cookie.test:PORT/
check "--cookies: the cookie the host set goes back to it" \
	has '$4 == "/need-session.html" && $5 == 200'
check "--cookies: a cookie it never set is not invented" has '$4 == "/need-jar.html" && $5 == 403'
printf '# Netscape HTTP Cookie File\ncookie.test\tFALSE\t/\tFALSE\t0\tjar\tyes\n' >"$WORK/jar.txt"
crawl jar --cookie-jar "$WORK/jar.txt" http://cookie.test:PORT/
check "--cookie-jar: the file's cookie is sent" has '$4 == "/need-jar.html" && $5 == 200'
check "--cookie-jar: and the host's own (it implies --cookies)" \
	has '$4 == "/need-session.html" && $5 == 200'
check "--cookie-jar: every page 2xx: exit 0" test "$CRAWL_RC" = 0

# --accept-type / --reject-type: a 2xx of a type left out is requested
# (its headers say the type), never stored, never followed, "excluded"
jsonl_has() { node -e '
	const [file, url, pre] = process.argv.slice(1);
	const l = require("fs").readFileSync(file, "utf8").trim().split("\n").map(JSON.parse)
		.filter(p => p.url.endsWith(url));
	process.exit(l.length === 1 && (l[0].error || "").startsWith(pre) ? 0 : 1);' "$@"; }
warc_has() { zcat "$OUT"/*.warc.gz | grep -a -q "^WARC-Target-URI: .*$1"; }
crawl reject-type --reject-type 'image/*,Text/Plain' http://h0.test:PORT/
check "--reject-type: the image was requested" has '$4 == "/files/img.png"'
check "--reject-type: pages.jsonl: the image and the text excluded, by type" sh -c \
	"$(declare -f jsonl_has); jsonl_has '$OUT/pages.jsonl' /files/img.png 'type: excluded (image/png' &&
	 jsonl_has '$OUT/pages.jsonl' /files/data.txt 'type: excluded (text/plain'"
check "--reject-type: neither is in the WARC files" \
	sh -c "! zcat '$OUT'/*.warc.gz | grep -a -q -e '^WARC-Target-URI: .*/files/img.png' -e '^WARC-Target-URI: .*/files/data.txt'"
check "--reject-type: the HTML pages are" warc_has /p/0.html
check "--reject-type: stats.json counts them as excluded" node -e '
	const s = require(process.argv[1]); process.exit(s.outcome.excluded === 2 ? 0 : 1);' \
	"$OUT/stats.json"
crawl reject-html --reject-type text/html http://h0.test:PORT/
check "--reject-type text/html: the seed's links are not followed" \
	hasnt '$4 != "/" && $4 != "/robots.txt"'
check "--reject-type text/html: the seed is excluded, not failed: exit 0" test "$CRAWL_RC" = 0
crawl accept-type --accept-type text/html http://h0.test:PORT/
check "--accept-type text/html: the image excluded, the pages kept" sh -c \
	"$(declare -f jsonl_has); jsonl_has '$OUT/pages.jsonl' /files/img.png 'type: excluded (image/png' &&
	 ! jsonl_has '$OUT/pages.jsonl' /p/0.html 'type:'"
check "--accept-type: a 404 page is kept whatever its type" \
	sh -c "zcat '$OUT'/*.warc.gz | grep -a -q '^WARC-Target-URI: .*/missing.html'"
check "--accept-type: a bad type is a usage error" \
	sh -c "'$SC' --accept-type 'text' http://h0.test/ 2>&1 >/dev/null | grep -q 'expected media types'; [ \$? = 0 ]"

# --sitemaps: sitemap.test's robots.txt names an index (of a gzip file, a
# gzip-encoded urlset and an index in the index, not followed) and a text
# sitemap; /sitemap.xml lists a page, an off-scope one and a disallowed one
crawl_sm() {
	local name=$1
	shift
	OUT="$WORK/$name"
	LOG="$WORK/$name.log"
	start_server "$BUILD" "$LOG" || return 1
	P=$SRV_PORT
	timeout 60 "$SC" -q -j 2 -o "$OUT" --resolve "sitemap.test:$P:127.0.0.1" \
		--resolve "out.test:$P:127.0.0.1" "$@" "http://sitemap.test:$P/" \
		>"$WORK/$name.stdout" 2>"$WORK/$name.stderr"
	CRAWL_RC=$?
	stop_server
}
crawl_sm sitemaps --sitemaps
printf '%s\n' / /robots.txt /sitemap.xml /sm/index.xml /sm/list.txt /sm/a.xml.gz /sm/b.xml \
	/sm/nested.xml /from-root.html /from-gz.html '/from-b.html?x=1&y=2' /from-text.html \
	/linked.html | sort >"$WORK/sm.want"
awk '{ print $4 }' "$LOG" | sort >"$WORK/sm.got"
check "--sitemaps: every sitemap and listed page requested once, nothing else" \
	diff "$WORK/sm.want" "$WORK/sm.got"
check "--sitemaps: exit 0 (the disallowed entry is excluded)" test "$CRAWL_RC" = 0
check "--sitemaps: the six sitemaps are marked in pages.jsonl" \
	test "$(grep -c '"kind":"sitemap"' "$OUT/pages.jsonl")" = 6
check "--sitemaps: the disallowed entry is in pages.jsonl as excluded" \
	grep -q '/blocked/x.html","status":0,"error":"robots: disallowed' "$OUT/pages.jsonl"
check "--sitemaps: the sitemaps are in the WARC files (b.xml gzip-encoded)" \
	sh -c "zcat '$OUT'/*.warc.gz | grep -a -A12 '^WARC-Target-URI: .*/sm/b.xml' | grep -a -q '^Content-Encoding: gzip' &&
	       zcat '$OUT'/*.warc.gz | grep -a -q '^WARC-Target-URI: .*/sm/a.xml.gz'"
crawl_sm no-sitemaps
check "without --sitemaps: the site is / alone" \
	test "$(awk '{ print $4 }' "$LOG" | sort | tr '\n' ' ')" = "/ /robots.txt "
crawl_sm sitemaps-depth0 --sitemaps --depth 0
check "--sitemaps --depth 0: the sitemaps are read, their pages (a hop) not fetched" \
	sh -c "grep -q ' /sm/a.xml.gz 200' '$LOG' && ! grep -q ' /from-' '$LOG'"

# The progress line's "in flight" counts transfers, not the URLs handed to
# the shards: one host at --per-host 4 behind 200 ms, -c 40 (the shards
# hold up to 40 URLs); the line shows only on a terminal, so script(1)
# gives the crawl one.
LOG="$WORK/tty-srv.log"
start_server "$BUILD" "$LOG" --hosts 1 --pages 60 --latency-ms 200
P=$SRV_PORT
timeout 60 script -qfec "$SC -j 2 -c 40 --per-host 4 -o '$WORK/tty' \
	--resolve h0.test:$P:127.0.0.1 http://h0.test:$P/" /dev/null >"$WORK/tty.out" 2>&1
stop_server
tr '\r' '\n' <"$WORK/tty.out" | sed -n 's/.* \([0-9][0-9]*\) in flight .*/\1/p' >"$WORK/inflight"
check "progress: the line was shown" test -s "$WORK/inflight"
check "progress: 'in flight' is transfers: 1 to 4 while the host was busy" \
	awk '$1 > 4 { exit 1 } $1 >= 1 { n++ } END { exit n ? 0 : 1 }' "$WORK/inflight"

echo "e2e-opts: $pass passed, $fail failed"
rm -rf "$WORK"
[ "$fail" = 0 ]
