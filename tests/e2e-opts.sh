#!/usr/bin/env bash
# e2e-opts.sh BUILD - the request options against the test server: Referer,
# rel=nofollow, --proxy / --no-proxy, cookies.  The server's log gives each
# request's Host (field 2), target (4), status (5) and Referer (6, - for none).
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
check "--no-referer: the crawl went past the seed" hasnt '$6 != "-"'

echo "e2e-opts: $pass passed, $fail failed"
rm -rf "$WORK"
[ "$fail" = 0 ]
