#!/usr/bin/env bash
# demo.sh BUILD - what 'make run' does: serve the bundled demo site on
# 127.0.0.1 (the project's test server: 4 hosts, 1,000 pages of ~10 kB
# each, redirects, 404s, non-HTML files), crawl it into ./crawl-out,
# check the WARC files with warcio, and print a summary.
set -eu
BUILD=${1:-build}
cd "$(dirname "$0")/.."
. tests/lib.sh
HOSTS=4
PAGES=1000
rm -rf crawl-out
start_server "$BUILD" /tmp/shardcrawl-demo.log --hosts $HOSTS --pages $PAGES --pad 10000
echo "demo: test server on 127.0.0.1:$SRV_PORT serving h0.test .. h$((HOSTS - 1)).test"
cmd="$BUILD/shardcrawl -o crawl-out -c 64 $(resolve_args "$SRV_PORT" $HOSTS) $(seed_args "$SRV_PORT" $HOSTS)"
echo "demo: $cmd"
# the demo site serves 404s on purpose: exit 8 (finished, not every page a
# 2xx or 3xx) is the right end; anything else is not
rc=0
$cmd || rc=$?
[ "$rc" = 8 ] || { echo "demo: shardcrawl exited $rc, expected 8 (the site's 404s)" >&2; exit 1; }
stop_server
echo "demo: files in crawl-out/:"
ls -l crawl-out
echo "demo: stats.json:"
cat crawl-out/stats.json
node tests/warc-check.mjs crawl-out
