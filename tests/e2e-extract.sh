#!/usr/bin/env bash
# e2e-extract.sh BUILD - extraction rules against the test server's shop
# (shop.test, tests/shop.h) with data/extract/shop.yaml: the crawl gives
# exactly the items testsrv --shop-items says, follows only the rules'
# links, keeps every item exactly once across kill -9 and --resume, and
# --extract-from over the directory gives the same items; --extract-only
# keeps no WARC record; bad rules exit 2 naming the rule and the field.
# Prints "e2e-extract: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-extract.XXXXXX)
RULES=data/extract/shop.yaml
PAGES=90        # /, /about.html, 8 lists, 80 products

# shop NAME [LATENCY_MS]: a fresh server, its expected items in $WANT
shop() {
	LOG="$WORK/$1.log"
	WANT="$WORK/$1.want"
	start_server "$BUILD" "$LOG" --latency-ms "${2:-0}" || return 1
	"$BUILD/testsrv" --shop-items --port "$SRV_PORT" >"$WANT"
	# the shop's product images are not served: the crawl is of its pages
	# (tests/e2e-requisites.sh is the suite for requisites)
	ARGS="-q --no-requisites --resolve shop.test:$SRV_PORT:127.0.0.1 http://shop.test:$SRV_PORT/"
}

# same_items FILE WANT: the items of FILE, less their WARC fields, are
# exactly those of WANT, each once
same_items() {
	node -e '
	const fs = require("fs");
	const rd = (f) => fs.readFileSync(f, "utf8").split("\n").filter((l) => l);
	const got = rd(process.argv[1]).map((l) => { const o = JSON.parse(l);
		delete o.warc_file; delete o.warc_offset; return JSON.stringify(o); }).sort();
	const want = rd(process.argv[2]).map((l) => JSON.stringify(JSON.parse(l))).sort();
	const dup = got.filter((x, i) => i && got[i - 1] === x);
	if (dup.length) { console.log("twice:", dup[0]); process.exit(1); }
	for (let i = 0; i < Math.max(got.length, want.length); i++)
		if (got[i] !== want[i]) {
			console.log(`${got.length} items, want ${want.length}`);
			console.log("got: ", got[i]); console.log("want:", want[i]); process.exit(1);
		}' "$1" "$2"
}

# warc_agree DIR: every item names its page's response record as pages.jsonl does
warc_agree() {
	node -e '
	const fs = require("fs"), dir = process.argv[1];
	const rd = (f) => fs.readFileSync(dir + "/" + f, "utf8").split("\n").filter((l) => l).map(JSON.parse);
	const pages = new Map(rd("pages.jsonl").map((p) => [p.url, p]));
	for (const it of rd("items.jsonl")) {
		const p = pages.get(it.url);
		if (!p || p.warc_file !== it.warc_file || p.warc_offset !== it.warc_offset) {
			console.log("item of", it.url, "names", it.warc_file, it.warc_offset, "page:",
				p && p.warc_file, p && p.warc_offset); process.exit(1); }
	}' "$1"
}

never_promo() { ! grep -q ' /promo/' "$1"; }
no_refetch() { test -z "$(awk '$3 == "GET" { print $4 }' "$1" | sort | uniq -d)"; }

echo "e2e-extract: a crawl of shop.test with $RULES"
shop crawl
out="$WORK/crawl"
# shellcheck disable=SC2086
"$SC" -o "$out" -j 2 --extract "$RULES" $ARGS 2>"$WORK/crawl.err"
rc=$?
check "crawl exits 0" test $rc = 0
check "every page once in pages.jsonl ($PAGES)" test "$(grep -vc "\"kind\":\"robots\"" "$out/pages.jsonl")" = $PAGES
check "items.jsonl holds exactly the expected items (testsrv --shop-items), each once" \
	same_items "$out/items.jsonl" "$WANT"
check "follow: the ads on listing and product pages were never requested" never_promo "$LOG"
check "no URL requested twice" no_refetch "$LOG"
check "each item names its page's WARC record, as pages.jsonl does" warc_agree "$out"
check "WARC files valid (warcio)" node tests/warc-check.mjs "$out"
check "pages.jsonl counts each product page's items, dropped ones and bad JSON-LD" node -e '
	const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
	const p = (id) => l.find((x) => x.url.endsWith("/product/" + id));
	const ok = p(1).items === 1 && p(13).items === 0 && p(13).items_dropped === 1 &&
		p(17).jsonld_invalid === 1 && l.find((x) => x.url.endsWith("/list/1")).items === 0 &&
		l.find((x) => x.url.endsWith("/about.html")).items === undefined;
	process.exit(ok ? 0 : 1);' "$out/pages.jsonl"
check "stats.json: 88 pages matched, 74 items, 6 dropped, 4 bad JSON-LD blocks" node -e '
	const e = require(process.argv[1]).extract;
	process.exit(e && e.pages === 88 && e.items === 74 && e.items_dropped === 6 &&
		e.jsonld_invalid === 4 && e.not_extracted === 0 ? 0 : 1);' "$out/stats.json"
check "the rules are kept in the directory" cmp "$RULES" "$out/extract.yaml"
stop_server

cp "$out/items.jsonl" "$WORK/crawl-items.jsonl"
"$SC" --extract "$RULES" --extract-from "$out" 2>"$WORK/from.err"
check "--extract-from exits 0 and says how many items" \
	sh -c "test $? = 0 && grep -q '^shardcrawl: 74 items from 88 pages' '$WORK/from.err'"
check "--extract-from writes the crawl's items.jsonl again, byte for byte" \
	cmp "$out/items.jsonl" "$WORK/crawl-items.jsonl"

echo "e2e-extract: extraction on the helping shard (one host, -j 2 --per-host 4)"
shop peer
out="$WORK/peer"
# shellcheck disable=SC2086
"$SC" -o "$out" -j 2 --per-host 4 -v --extract "$RULES" $ARGS 2>"$WORK/peer.err"
check "the helping shard extracted pages handed to it" \
	grep -q 'processed for shard' "$WORK/peer.err"
check "items with a helping shard: exactly the expected" same_items "$out/items.jsonl" "$WANT"
stop_server

echo "e2e-extract: SIGKILL mid-crawl, then --resume"
round=0
for when in 0.6 1.3; do
	round=$((round + 1))
	shop "kill$round" 30
	out="$WORK/kill$round"
	# shellcheck disable=SC2086
	"$SC" -o "$out" -j 2 -c 4 --extract "$RULES" $ARGS 2>/dev/null &
	pid=$!
	sleep "$when"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	before=$(wc -l <"$out/items.jsonl")
	if [ $round = 1 ]; then
		# what a kill between the items and the pages line leaves: items
		# of a page that pages.jsonl does not have, the last one cut short
		printf '{"url":"http://shop.test:%s/product/1","name":"orphan"}\n{"url":"x' \
			"$SRV_PORT" >>"$out/items.jsonl"
	fi
	timeout 60 "$SC" --resume "$out" 2>"$WORK/resume.err" -q
	rc=$?
	check "kill at ${when}s ($before items before): --resume exits 0" test $rc = 0
	check "kill at ${when}s: every item exactly once" same_items "$out/items.jsonl" "$WANT"
	[ $round = 1 ] && check "kill at ${when}s: the orphan items were cut" \
		grep -q "cutting '.*items.jsonl'" "$WORK/resume.err"
	check "kill at ${when}s: every page once" test "$(grep -vc "\"kind\":\"robots\"" "$out/pages.jsonl")" = $PAGES
	warc_agree "$out" >"$WORK/agree.log" 2>&1 && node tests/warc-check.mjs "$out" >>"$WORK/agree.log" 2>&1 &&
		ok "kill at ${when}s: WARC records and items agree" || bad "kill at ${when}s: WARC records and items agree" "$WORK/agree.log"
	check "kill at ${when}s: the ads were never requested" never_promo "$LOG"
	stop_server
	cp "$out/items.jsonl" "$WORK/resumed.jsonl"
	"$SC" -q --extract "$RULES" --extract-from "$out"
	check "kill at ${when}s: --extract-from gives the same items" \
		cmp "$out/items.jsonl" "$WORK/resumed.jsonl"
done

echo "e2e-extract: --extract-only"
shop only
out="$WORK/only"
# shellcheck disable=SC2086
"$SC" -o "$out" -j 2 --extract "$RULES" --extract-only $ARGS 2>"$WORK/only.err"
check "--extract-only: exit 0, every page in pages.jsonl" \
	sh -c "test $? = 0 && test \$(wc -l <'$out/pages.jsonl') = $PAGES"
check "--extract-only: no WARC file" sh -c "! ls '$out'/*.warc.gz >/dev/null 2>&1"
check "--extract-only: every item has null WARC fields" \
	test "$(grep -c '"warc_file":null,"warc_offset":null}$' "$out/items.jsonl")" = 74
check "--extract-only: items exactly as expected" same_items "$out/items.jsonl" "$WANT"
check "--extract-only: pages.jsonl has digests but no records" node -e '
	const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
	process.exit(l.every((p) => p.warc_file === null) &&
		l.filter((p) => p.status === 200).every((p) => /^sha1:/.test(p.digest)) ? 0 : 1);' \
	"$out/pages.jsonl"
stop_server

echo "e2e-extract: without --extract nothing changes"
shop plain
out="$WORK/plain"
# shellcheck disable=SC2086
"$SC" -o "$out" -j 2 $ARGS 2>/dev/null
check "no items.jsonl, no extraction keys in pages.jsonl, the ads followed" \
	sh -c "test ! -e '$out/items.jsonl' && ! grep -q '\"items\"' '$out/pages.jsonl' && grep -q ' /promo/' '$LOG'"
stop_server

echo "e2e-extract: bad rules and bad combinations exit 2 before anything is made"
bad_rules() {
	local name=$1 want=$2 yaml=$3
	printf '%s' "$yaml" >"$WORK/bad.yaml"
	"$SC" -o "$WORK/never" --extract "$WORK/bad.yaml" http://shop.test:1/ >"$WORK/bad.out" 2>&1
	local rc=$?
	if [ $rc = 2 ] && grep -qF -- "$want" "$WORK/bad.out" && [ ! -e "$WORK/never" ] &&
	   [ "$(wc -l <"$WORK/bad.out")" = 1 ]; then
		ok "$name: exit 2, '$want'"
	else
		bad "$name: exit $rc (want 2 and '$want')" "$WORK/bad.out"
	fi
}
R="rules:
  - match: '/p/'
    fields:
"
bad_rules "unknown key" "rule 1 (match '/p/'): field 'price': unknown key 'regexp'" \
	"${R}      price: { css: span, regexp: x }
"
bad_rules "bad XPath" "field 'name': xpath: XPath '//h1[' does not compile" \
	"${R}      name: { xpath: '//h1[' }
"
bad_rules "unsupported CSS" "field 'name': css: unsupported CSS selector: unsupported combinator" \
	"${R}      name: { css: 'h1 + p' }
"
bad_rules "bad regex" "field 'price': regex: bad regex '([0-9'" \
	"${R}      price: { css: span, regex: '([0-9' }
"
bad_rules "second rule" "rule 2 (match '(x'): match: bad regex" \
	"rules:
  - match: a
  - match: '(x'
"
bad_rules "not YAML" "bad.yaml: line " "rules: [
"
"$SC" --extract /nonexistent.yaml -o "$WORK/never" http://shop.test:1/ >"$WORK/bad.out" 2>&1
check "a missing rules file: exit 2" sh -c "test $? = 2 && grep -q 'cannot read' '$WORK/bad.out'"
"$SC" --extract-only -o "$WORK/never" http://shop.test:1/ >"$WORK/bad.out" 2>&1
check "--extract-only without --extract: exit 2" test $? = 2
"$SC" --extract-from "$WORK/crawl" >"$WORK/bad.out" 2>&1
check "--extract-from without --extract: exit 2" test $? = 2
printf 'rules:\n  - match: other\n' >"$WORK/other.yaml"
"$SC" --resume "$WORK/kill1" --extract "$WORK/other.yaml" >"$WORK/bad.out" 2>&1
check "--resume with other rules: exit 2, naming the crawl's copy" \
	sh -c "test $? = 2 && grep -q 'differs from the crawl' '$WORK/bad.out'"
"$SC" --resume "$WORK/kill1" --extract "$RULES" >"$WORK/bad.out" 2>&1
check "--resume with the same rules: fine (the crawl is complete)" \
	sh -c "test $? = 0 && grep -q 'is complete' '$WORK/bad.out'"
"$SC" --resume "$WORK/plain" --extract "$RULES" >"$WORK/bad.out" 2>&1
check "--resume --extract of a crawl without rules: exit 2" test $? = 2

rm -rf "$WORK"
echo "e2e-extract: $pass passed, $fail failed"
[ "$fail" = 0 ]
