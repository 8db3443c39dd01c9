#!/usr/bin/env bash
# e2e-cdxj.sh BUILD - index.cdxj, revisit records and --recrawl, against the
# test server on 127.0.0.1: the index agrees with warcio's, after a kill -9
# and --resume too, and --cdxj DIR rebuilds it; a second crawl with
# --recrawl sends conditional requests and stores 304s and unchanged bodies
# as revisits; --dedup any stores each body once, --dedup off never writes a
# revisit.  Prints "e2e-cdxj: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
. tests/lib.sh
SC="$BUILD/shardcrawl"
WARCIO="$TOP/tests/node_modules/.bin/warcio"
WORK=$(mktemp -d /tmp/sc-cdxj.XXXXXX)
pass=0
fail=0

# same_as_warcio DIR: index.cdxj is warcio cdx-index's output, sorted
same_as_warcio() {
	(cd "$1" && "$WARCIO" cdx-index crawl-*.warc.gz) | LC_ALL=C sort >"$1.warcio.cdxj" &&
		test -s "$1/index.cdxj" && cmp "$1/index.cdxj" "$1.warcio.cdxj"
}

# field_check DIR: the same per record, field by field (offset, length,
# status, digest), to name the record when the files differ
field_check() {
	node -e '
	const fs = require("fs");
	const rd = (f) => new Map(fs.readFileSync(f, "utf8").trim().split("\n").map((l) => {
		const j = JSON.parse(l.slice(l.indexOf("{")));
		return [j.filename + "@" + j.offset, j];
	}));
	const a = rd(process.argv[1] + "/index.cdxj"), b = rd(process.argv[1] + ".warcio.cdxj");
	let bad = a.size !== b.size;
	for (const [k, w] of b) {
		const m = a.get(k);
		for (const f of ["offset", "length", "status", "digest", "url", "mime"])
			if (!m || m[f] !== w[f]) { console.log(k, f, m && m[f], w[f]); bad = true; }
	}
	process.exit(bad ? 1 : 0);' "$1"
}

echo "e2e-cdxj: index.cdxj of a crawl (2 hosts x 30 pages, -j 2)"
start_server "$BUILD" "$WORK/c1.log" --hosts 2 --pages 30 || exit 1
# shellcheck disable=SC2046
timeout 60 "$SC" -q -j 2 -c 8 -o "$WORK/c1" $(resolve_args "$SRV_PORT" 2) $(seed_args "$SRV_PORT" 2) \
	>/dev/null 2>"$WORK/c1.err"
check "the crawl ends (exit 8: the site has 404s)" test $? = 8
stop_server
check "index.cdxj is byte for byte warcio's cdx-index, sorted" same_as_warcio "$WORK/c1"
check "every record: the same offset, length, status, digest, url and mime" field_check "$WORK/c1"
check "index.cdxj sorted as LC_ALL=C sort" env LC_ALL=C sort -c "$WORK/c1/index.cdxj"
check "warc-check: WARC files, pages.jsonl and every index.cdxj line" node tests/warc-check.mjs "$WORK/c1"
cp "$WORK/c1/index.cdxj" "$WORK/c1.first.cdxj"
rm "$WORK/c1/index.cdxj"
check "--cdxj DIR: exit 0" "$SC" -q --cdxj "$WORK/c1"
check "--cdxj DIR rebuilds the same file" cmp "$WORK/c1/index.cdxj" "$WORK/c1.first.cdxj"
check "--cdxj on a missing directory: exit 2" sh -c "'$SC' --cdxj '$WORK/none' 2>/dev/null; test \$? = 2"
check "--no-cdxj: no index.cdxj" sh -c "
	'$SC' -q --no-cdxj -o '$WORK/noidx' --resolve h0.test:1:127.0.0.1 --no-robots --retries 0 http://h0.test:1/ 2>/dev/null
	test -f '$WORK/noidx/pages.jsonl' && ! test -e '$WORK/noidx/index.cdxj'"

echo "e2e-cdxj: kill -9 mid-crawl, then --resume (several WARC files)"
start_server "$BUILD" "$WORK/k.log" --hosts 2 --pages 400 --latency-ms 5 || exit 1
# shellcheck disable=SC2046
"$SC" -q -j 2 -c 4 --warc-max-size 100k -o "$WORK/k" $(resolve_args "$SRV_PORT" 2) \
	$(seed_args "$SRV_PORT" 2) >/dev/null 2>&1 &
KPID=$!
SC_PIDS+=("$KPID")
for i in $(seq 1 100); do
	[ -s "$WORK/k/pages.jsonl" ] && [ "$(wc -l <"$WORK/k/pages.jsonl")" -ge 150 ] && break
	sleep 0.05
done
kill -9 "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null
check "killed mid-crawl: no index.cdxj yet, some pages done" sh -c "
	! test -e '$WORK/k/index.cdxj' && test \$(wc -l <'$WORK/k/pages.jsonl') -ge 100"
timeout 90 "$SC" -q --resume "$WORK/k" >/dev/null 2>"$WORK/k.err"
check "--resume ends (exit 8)" test $? = 8
stop_server
check "after --resume: more than one WARC file" sh -c "test \$(ls '$WORK/k'/*.warc.gz | wc -l) -gt 1"
check "after --resume: index.cdxj is warcio's over every file" same_as_warcio "$WORK/k"
check "after --resume: warc-check, index.cdxj included" node tests/warc-check.mjs "$WORK/k"

echo "e2e-cdxj: revisits and --recrawl (archive.test: ETag, Last-Modified, duplicate bodies)"
ARCH_LOG="$WORK/a.log"
COND="$WORK/cond.log"
: >"$COND"
start_server "$BUILD" "$ARCH_LOG" --cond-log "$COND" || exit 1
A="--resolve archive.test:$SRV_PORT:127.0.0.1"
SEED="http://archive.test:$SRV_PORT/"
# shellcheck disable=SC2086
timeout 60 "$SC" -q -j 1 -c 2 -o "$WORK/r1" $A "$SEED" >/dev/null 2>&1
check "first crawl: exit 0" test $? = 0
check "first crawl: no conditional request" test ! -s "$COND"
check "first crawl: pages.jsonl stores etag and last_modified" sh -c "
	grep -q '\"etag\":\"\\\\\"e1\\\\\"\"' '$WORK/r1/pages.jsonl' &&
	grep -q '\"last_modified\":\"Tue, 01 Dec 2026 10:00:00 GMT\"' '$WORK/r1/pages.jsonl'"
# shellcheck disable=SC2086
timeout 60 "$SC" -q -j 1 -c 2 -o "$WORK/r2" $A --recrawl "$WORK/r1" >/dev/null 2>"$WORK/r2.err"
check "--recrawl (its seeds from the previous crawl): exit 0" test $? = 0
check "server: If-None-Match sent where the first crawl saw an ETag, answered 304" sh -c "
	grep -q '^archive.test:$SRV_PORT / 304 \"idx-1\" -\$' '$COND' &&
	grep -q '^archive.test:$SRV_PORT /etag.html 304 \"e1\" -\$' '$COND'"
check "server: If-Modified-Since sent, answered 304" \
	grep -q "^archive.test:$SRV_PORT /lastmod.html 304 - Tue,?01?Dec?2026?10:00:00?GMT\$" "$COND"
check "server: a changed ETag gets a 200 to the conditional request" \
	grep -q "^archive.test:$SRV_PORT /changing.html 200 \"c1\" -\$" "$COND"
check "server: no conditional request for pages without validators" sh -c "
	! grep -q -e /plain.html -e /dup/ '$COND'"
check "pages.jsonl says what changed" node -e '
	const p = Object.fromEntries(require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
		.map((l) => JSON.parse(l)).map((j) => [new URL(j.url).pathname, j]));
	const want = { "/": ["not-modified", "not-modified"], "/etag.html": ["not-modified", "not-modified"],
		"/lastmod.html": ["not-modified", "not-modified"], "/changing.html": [undefined, "changed"],
		"/plain.html": ["identical", "unchanged"], "/dup/1.html": ["identical", "unchanged"] };
	for (const [k, [rv, rc]] of Object.entries(want))
		if (!p[k] || p[k].revisit !== rv || p[k].recrawl !== rc) { console.log(k, p[k]); process.exit(1); }' \
	"$WORK/r2/pages.jsonl"
check "warc-check --prev: revisit fields, every one refers to a record of the first crawl" \
	node tests/warc-check.mjs "$WORK/r2" --prev "$WORK/r1"
check "without --prev the checker finds the references missing" sh -c "
	! node tests/warc-check.mjs '$WORK/r2' >/dev/null 2>&1"
check "the recrawl's index.cdxj is warcio's (revisits as warc/revisit)" same_as_warcio "$WORK/r2"
check "the recrawl's index: 304 revisits with status 304" sh -c "
	grep -q '/etag.html 20[0-9]* {.*\"mime\":\"warc/revisit\",\"status\":\"304\"' '$WORK/r2/index.cdxj'"
# shellcheck disable=SC2086
timeout 60 "$SC" -q -j 1 -c 2 -o "$WORK/r3" $A --recrawl "$WORK/r1" --dedup off >/dev/null 2>&1
check "--recrawl --dedup off: 304s are revisits, unchanged 200s stored in full" sh -c "
	! grep -q '\"revisit\":\"identical\"' '$WORK/r3/pages.jsonl' &&
	grep -q '\"revisit\":\"not-modified\"' '$WORK/r3/pages.jsonl'"
check "--recrawl --dedup off: warc-check --prev" node tests/warc-check.mjs "$WORK/r3" --prev "$WORK/r1"

# bodies: how many response records hold each payload digest
once_each() {
	node -e '
	const fs = require("fs"), zlib = require("zlib");
	const seen = new Map();
	for (const f of fs.readdirSync(process.argv[1]).filter((x) => x.endsWith(".warc.gz"))) {
		const t = zlib.gunzipSync(fs.readFileSync(process.argv[1] + "/" + f)).toString("latin1");
		for (const m of t.matchAll(/WARC-Type: response\r\n[^]*?WARC-Payload-Digest: (\S+)/g))
			seen.set(m[1], (seen.get(m[1]) || 0) + 1);
	}
	const dup = [...seen].filter(([, n]) => n > 1);
	process.exit(dup.length ? 1 : 0);' "$1"
}
has_dups() { ! once_each "$1"; }
# shellcheck disable=SC2086
timeout 60 "$SC" -q -j 2 -c 4 -o "$WORK/d1" $A --dedup any "$SEED" >/dev/null 2>&1
check "--dedup any: exit 0" test $? = 0
check "--dedup any: each body stored once" once_each "$WORK/d1"
check "--dedup any: the three /dup/ pages are one response and two revisits" sh -c "
	test \$(grep '/dup/' '$WORK/d1/pages.jsonl' | grep -c '\"revisit\":\"identical\"') = 2"
check "--dedup any: warc-check" node tests/warc-check.mjs "$WORK/d1"
# shellcheck disable=SC2086
timeout 60 "$SC" -q -j 2 -c 4 -o "$WORK/o1" $A --dedup off "$SEED" >/dev/null 2>&1
check "--dedup off: no revisit record" sh -c "
	! zcat '$WORK/o1'/*.warc.gz | grep -a -q 'WARC-Type: revisit' && ! grep -q revisit '$WORK/o1/pages.jsonl'"
check "--dedup off: the duplicate bodies stored in full" has_dups "$WORK/o1"
stop_server

echo "e2e-cdxj: --dedup any survives kill -9 and --resume"
start_server "$BUILD" "$WORK/dk.log" --latency-ms 300 || exit 1
A="--resolve archive.test:$SRV_PORT:127.0.0.1"
"$SC" -q -j 1 -c 1 --per-host 1 -o "$WORK/dk" $A --dedup any "http://archive.test:$SRV_PORT/" \
	>/dev/null 2>&1 &
KPID=$!
SC_PIDS+=("$KPID")
for i in $(seq 1 200); do
	grep -q '/dup/1.html' "$WORK/dk/pages.jsonl" 2>/dev/null && break
	sleep 0.05
done
kill -9 "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null
check "killed after /dup/1.html, before /dup/2.html" sh -c "
	grep -q /dup/1.html '$WORK/dk/pages.jsonl' && ! grep -q /dup/2.html '$WORK/dk/pages.jsonl'"
# shellcheck disable=SC2086
timeout 60 "$SC" -q --resume "$WORK/dk" >/dev/null 2>&1
check "--resume: exit 0" test $? = 0
stop_server
check "--resume: /dup/2 and /dup/3 are revisits of the first run's /dup/1" sh -c "
	test \$(grep -c '\"revisit\":\"identical\"' '$WORK/dk/pages.jsonl') = 2"
check "--resume: each body once, warc-check" sh -c "
	node tests/warc-check.mjs '$WORK/dk' >/dev/null"

echo "e2e-cdxj: $pass passed, $fail failed"
[ "$fail" = 0 ] && rm -rf "$WORK"
[ "$fail" = 0 ]
