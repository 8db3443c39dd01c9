#!/usr/bin/env bash
# e2e-polite.sh BUILD - end-to-end tests of politeness and failure handling:
# robots.txt, Crawl-delay, --delay, --rate, --host-rate, 429/Retry-After,
# retries, timeouts, resets, redirect limits, hosts that refuse connections,
# huge URL lists and the progress line.  Crawls the named hosts of the test
# server (tests/testsrv.md, "Named virtual hosts"); timings come from the
# server's request log.
# Prints "e2e-polite: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-polite.XXXXXX)
pass=0
fail=0


# vresolve PORT NAME...: --resolve options mapping the names to the server
vresolve() {
	local port=$1 h
	shift
	for h; do printf -- '--resolve %s:%s:127.0.0.1 ' "$h" "$port"; done
}

# polite NAME LIMIT_S [crawler options...]: one crawl into $WORK/NAME under
# `timeout`; sets OUT, RC, T0 (start, unix ms) and MS (wall time, ms)
polite() {
	local name=$1 limit=$2
	shift 2
	OUT="$WORK/$name"
	CRAWL="$name"
	T0=$(now_ms)
	timeout "$limit" "$SC" -o "$OUT" "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" </dev/null
	RC=$?
	MS=$(($(now_ms) - T0))
}

# check_rc WANT NAME: the last crawl exited WANT (else show its stderr):
# 0 when every page was a 2xx or 3xx, 8 when some were not
check_rc() {
	if [ "$RC" = "$1" ]; then
		ok "$2"
	else
		{ echo "exit $RC after $MS ms; stderr:"; head -5 "$WORK/$CRAWL.stderr"; } >"$WORK/rc.log"
		bad "$2" "$WORK/rc.log"
	fi
}

# js CODE ARGS...: node with the helpers below; CODE calls die() to fail
JS_LIB='
const fs = require("fs");
const A = process.argv.slice(1);
const die = (m) => { console.log(m); process.exit(1); };
const lines = (f) => { try { return fs.readFileSync(f, "utf8").split("\n").filter(Boolean); } catch (e) { return []; } };
/* pages.jsonl of an output directory, each line with host and path added;
 * robots.txt lines ("kind":"robots") are records, not pages: left out */
const pagesOf = (dir) => {
	const ps = lines(dir + "/pages.jsonl").map((l) => JSON.parse(l)).filter((p) => p.kind !== "robots");
	if (!ps.length) die("no lines in " + dir + "/pages.jsonl");
	for (const p of ps) {
		const m = /^https?:\/\/([^/:]+)(?::[0-9]+)?(\/.*)?$/.exec(p.url) || [];
		p.host = m[1] || ""; p.path = m[2] || "/";
	}
	return ps;
};
/* the server log: {t, host (no port), path, status} */
const reqsOf = (f) => lines(f).map((l) => {
	const [t, host, , path, status] = l.split(" ");
	return { t: +t, host: host.replace(/:[0-9]+$/, ""), path, status: +status };
});
const line1 = (ps, host, path) => {
	const l = ps.filter((p) => p.host === host && p.path === path);
	if (l.length !== 1) die(host + path + ": " + l.length + " lines in pages.jsonl, want 1");
	return l[0];
};
/* the most timestamps in any window [t, t + 1000) */
const maxPerSecond = (ts) => {
	ts = ts.slice().sort((a, b) => a - b);
	let best = 0;
	for (let i = 0, j = 0; i < ts.length; i++) {
		while (ts[i] - ts[j] >= 1000) j++;
		best = Math.max(best, i - j + 1);
	}
	return best;
};
/* consecutive gaps, in ms, between request starts */
const gaps = (rs) => rs.slice(1).map((r, i) => r.t - rs[i].t);
'
js() {
	local code=$1
	shift
	node -e "$JS_LIB$code" "$@"
}

# ---------------------------------------------------------------------------
echo "e2e-polite: robots.txt"
RHOSTS="robots-allow.test robots-disallow.test robots-agent.test robots-404.test robots-500.test
	robots-redirect.test robots-huge.test robots-garbage.test"
# host: [paths that must be fetched, paths that must never be requested]
ROBOTS_EXPECT='
const ALL = ["/", "/a.html", "/b.html", "/private/1.html", "/private/2.html", "/late/1.html", "/public/1.html", "/doc.pdf"];
const but = (...no) => ALL.filter((p) => !no.includes(p));
const EXPECT = {
	"robots-allow.test": [ALL, []],
	"robots-disallow.test": [but("/private/1.html", "/doc.pdf"), ["/private/1.html", "/doc.pdf"]],
	"robots-agent.test": [but("/b.html"), ["/b.html"]],
	"robots-404.test": [ALL, []],
	"robots-500.test": [[], ALL],
	"robots-redirect.test": [but("/private/1.html", "/private/2.html"), ["/private/1.html", "/private/2.html"]],
	"robots-huge.test": [but("/private/1.html", "/private/2.html"), ["/private/1.html", "/private/2.html"]],
	"robots-garbage.test": [ALL, []],
};
'
start_server "$BUILD" "$WORK/robots.log" || exit 1
# shellcheck disable=SC2046,SC2086
polite robots 60 -q -j 2 -c 16 --retries 2 --retry-wait 200 $(vresolve "$SRV_PORT" $RHOSTS) \
	$(for h in $RHOSTS; do printf 'http://%s:%s/ ' "$h" "$SRV_PORT"; done)
stop_server
check_rc 8 "robots: crawl of the 8 robots-* hosts exits 8: the disallowed URLs (robots-500 does not hold it up)"
check "robots: /robots.txt requested once per host, before anything else there (robots-500: 1..3 times)" \
	js "$ROBOTS_EXPECT"'
	const R = reqsOf(A[0]);
	for (const h of Object.keys(EXPECT)) {
		const rs = R.filter((r) => r.host === h);
		if (!rs.length) die(h + ": no request at all");
		if (rs[0].path !== "/robots.txt") die(h + ": first request is " + rs[0].path);
		const n = rs.filter((r) => r.path === "/robots.txt").length;
		if (h === "robots-500.test" ? n < 1 || n > 3 : n !== 1) die(h + ": /robots.txt requested " + n + " times");
	}
	const real = R.filter((r) => r.host === "robots-redirect.test" && r.path === "/real-robots.txt").length;
	if (real !== 1) die("robots-redirect.test: /real-robots.txt requested " + real + " times, want 1");' \
	"$WORK/robots.log"
check "robots: disallowed paths never requested (robots-500: only /robots.txt)" js "$ROBOTS_EXPECT"'
	const R = reqsOf(A[0]);
	if (!R.some((r) => r.host === "robots-allow.test" && r.path === "/")) die("the crawl fetched nothing");
	for (const [h, [, never]] of Object.entries(EXPECT))
		for (const r of R.filter((x) => x.host === h && never.includes(x.path)))
			die(h + r.path + " was requested");' "$WORK/robots.log"
check "robots: allowed paths fetched once each (robots-huge /late/1.html, robots-garbage everything)" \
	js "$ROBOTS_EXPECT"'
	const R = reqsOf(A[0]);
	for (const [h, [want]] of Object.entries(EXPECT))
		for (const p of want) {
			const n = R.filter((r) => r.host === h && r.path === p).length;
			if (n !== 1) die(h + p + ": requested " + n + " times, want 1");
		}' "$WORK/robots.log"
check "robots: every disallowed URL recorded once with a \"robots:\" error (robots-500's / too)" \
	js "$ROBOTS_EXPECT"'
	const ps = pagesOf(A[0]);
	for (const [h, [, never]] of Object.entries(EXPECT))
		for (const p of h === "robots-500.test" ? ["/"] : never) {
			const l = line1(ps, h, p);
			if (!(l.error || "").startsWith("robots:")) die(h + p + ": " + JSON.stringify(l));
		}' "$OUT"

start_server "$BUILD" "$WORK/norobots.log" || exit 1
# shellcheck disable=SC2046,SC2086
polite norobots 60 -q -j 2 -c 16 --no-robots $(vresolve "$SRV_PORT" $RHOSTS) \
	$(for h in $RHOSTS; do printf 'http://%s:%s/ ' "$h" "$SRV_PORT"; done)
stop_server
check_rc 0 "--no-robots: crawl exits 0 (every page a 200)"
check "--no-robots: no /robots.txt request, every path of every robots-* host fetched once" \
	js "$ROBOTS_EXPECT"'
	const R = reqsOf(A[0]);
	const rt = R.filter((r) => r.path === "/robots.txt" || r.path === "/real-robots.txt");
	if (rt.length) die(rt.length + " robots.txt requests, e.g. " + rt[0].host);
	for (const h of Object.keys(EXPECT))
		for (const p of ALL) {
			const n = R.filter((r) => r.host === h && r.path === p).length;
			if (n !== 1) die(h + p + ": requested " + n + " times, want 1");
		}' "$WORK/norobots.log"

# ---------------------------------------------------------------------------
echo "e2e-polite: Crawl-delay and --delay"
start_server "$BUILD" "$WORK/delay.log" || exit 1
# shellcheck disable=SC2046
polite delay 60 -q -j 1 $(vresolve "$SRV_PORT" delay.test fast.test) \
	"http://delay.test:$SRV_PORT/" "http://fast.test:$SRV_PORT/"
stop_server
check_rc 0 "Crawl-delay: crawl of delay.test + fast.test (-j 1) exits 0"
check "Crawl-delay 1: the 7 page requests to delay.test start >= 990 ms apart" js '
	const rs = reqsOf(A[0]).filter((r) => r.host === "delay.test" && r.path !== "/robots.txt");
	if (rs.length !== 7) die(rs.length + " page requests to delay.test, want 7");
	const g = gaps(rs);
	if (g.some((x) => x < 990)) die("gaps (ms): " + g.join(" "));
	console.log("gaps (ms): " + g.join(" "));' "$WORK/delay.log"
check "Crawl-delay: fast.test (same shard) is not held up: its 31 pages within 1.5 s of the first request" js '
	const R = reqsOf(A[0]);
	const f = R.filter((r) => r.host === "fast.test" && r.path !== "/robots.txt");
	if (f.length !== 31) die(f.length + " page requests to fast.test, want 31");
	const span = f[f.length - 1].t - R[0].t;
	if (span > 1500) die("fast.test done " + span + " ms after the first request");' "$WORK/delay.log"

start_server "$BUILD" "$WORK/delay2.log" || exit 1
polite delay2 60 -q --delay 1000 --no-robots --max-pages 5 \
	--resolve "fast.test:$SRV_PORT:127.0.0.1" "http://fast.test:$SRV_PORT/"
stop_server
check_rc 0 "--delay 1000: crawl exits 0"
check "--delay 1000 --max-pages 5: 5 requests, starts >= 990 ms apart" js '
	const rs = reqsOf(A[0]);
	if (rs.length !== 5) die(rs.length + " requests, want 5");
	const g = gaps(rs);
	if (g.some((x) => x < 990)) die("gaps (ms): " + g.join(" "));' "$WORK/delay2.log"

# ---------------------------------------------------------------------------
echo "e2e-polite: --rate and --host-rate"
start_server "$BUILD" "$WORK/rate.log" || exit 1
polite rate 60 -q -j 2 -c 16 --per-host 16 --rate 20 \
	--resolve "rate.test:$SRV_PORT:127.0.0.1" "http://rate.test:$SRV_PORT/"
stop_server
RATE_MS=$MS
check_rc 0 "--rate 20: crawl exits 0"
check "--rate 20: all 81 URLs fetched, no 1-second window holds more than 21 requests" js '
	const ps = pagesOf(A[1]);
	if (ps.length !== 81 || ps.some((p) => p.status !== 200)) die(ps.length + " lines, want 81 with status 200");
	const m = maxPerSecond(reqsOf(A[0]).map((r) => r.t));
	if (m > 21) die(m + " requests in one second");' "$WORK/rate.log" "$OUT"
check "--rate 20: 81 URLs take at least 3.5 s (took $RATE_MS ms)" test "$RATE_MS" -ge 3500
# one host lives in one shard: the rate is shared among the shards with
# work, so -j 2 must not halve it (a loose bound: 20/s is far below what
# any machine can do, so only a halved share fails this)
check "--rate 20 -j 2, one host: the whole rate is used (some second holds >= 16)" js '
	const m = maxPerSecond(reqsOf(A[0]).map((r) => r.t));
	if (m < 16) die("at most " + m + " requests in any second");' "$WORK/rate.log"

start_server "$BUILD" "$WORK/hostrate.log" || exit 1
polite hostrate 60 -q -j 2 -c 16 --per-host 16 --host-rate 10 --max-pages 40 \
	--resolve "rate.test:$SRV_PORT:127.0.0.1" "http://rate.test:$SRV_PORT/"
stop_server
HOSTRATE_MS=$MS
check_rc 0 "--host-rate 10: crawl exits 0"
check "--host-rate 10 --max-pages 40: 40 lines, no 1-second window holds more than 11 requests" js '
	const ps = pagesOf(A[1]);
	if (ps.length !== 40) die(ps.length + " lines, want 40");
	const m = maxPerSecond(reqsOf(A[0]).map((r) => r.t));
	if (m > 11) die(m + " requests in one second");' "$WORK/hostrate.log" "$OUT"
check "--host-rate 10: 40 URLs take at least 3 s (took $HOSTRATE_MS ms)" test "$HOSTRATE_MS" -ge 3000

# ---------------------------------------------------------------------------
echo "e2e-polite: 429 and Retry-After"
for kind in secs:1990 date:990; do
	path="/429-${kind%%:*}"
	min=${kind#*:}
	start_server "$BUILD" "$WORK/429${kind%%:*}.log" || exit 1
	polite "429${kind%%:*}" 60 -q --depth 0 --per-host 1 --max-retry-after 10 --retry-wait 200 \
		--resolve "fail.test:$SRV_PORT:127.0.0.1" "http://fail.test:$SRV_PORT$path"
	stop_server
	check_rc 0 "$path: crawl exits 0 (a 200 after the wait)"
	check "$path: after the 429 the host is left alone >= $min ms, then the retry" js '
		const R = reqsOf(A[0]), path = A[1], min = +A[2];
		const i = R.findIndex((r) => r.path === path && r.status === 429);
		if (i < 0 || i + 1 >= R.length) die("no 429 followed by another request: " + JSON.stringify(R));
		const g = R[i + 1].t - R[i].t;
		if (g < min) die("next request " + g + " ms after the 429");
		if (R[i + 1].path !== path || R[i + 1].status !== 200) die("then " + JSON.stringify(R[i + 1]));
		console.log("waited " + g + " ms");' "$WORK/429${kind%%:*}.log" "$path" "$min"
	check "$path: recorded as 200 with attempts 2" js '
		const l = line1(pagesOf(A[0]), "fail.test", A[1]);
		if (l.status !== 200 || l.attempts !== 2) die(JSON.stringify(l));' "$OUT" "$path"
done

# ---------------------------------------------------------------------------
echo "e2e-polite: failures (fail.test)"
start_server "$BUILD" "$WORK/fail.log" || exit 1
polite fail 60 -q --retries 2 --retry-wait 200 --timeout 4 --low-speed 50 --low-speed-time 2 \
	--max-redirects 10 --resolve "fail.test:$SRV_PORT:127.0.0.1" "http://fail.test:$SRV_PORT/"
stop_server
FAIL_MS=$MS
check_rc 8 "failures: crawl exits 8 (5xx and failed pages)"
check "failures: the crawl ends well before its timeout (< 30 s; took $FAIL_MS ms)" \
	test "$RC" = 8 -a "$FAIL_MS" -lt 30000
check "failures: every linked or redirected-to URL has exactly one line" js '
	const ps = pagesOf(A[0]);
	const want = ["/", "/429-secs", "/429-date", "/503-once", "/500", "/trickle", "/hang", "/reset",
		"/empty", "/loop-a", "/loop-b"];
	for (let i = 0; i <= 11; i++) want.push("/chain/" + i);
	for (const p of want) line1(ps, "fail.test", p);
	const seen = new Set();
	for (const p of ps) { if (seen.has(p.url)) die("twice: " + p.url); seen.add(p.url); }' "$OUT"
# expect PATH WHAT JS-CONDITION: one check on the pages.jsonl line of PATH (l)
expect() {
	check "failures: $1 $2" js '
		const l = line1(pagesOf(A[0]), "fail.test", A[1]);
		if (!('"$3"')) die(JSON.stringify(l));' "$OUT" "$1"
}
starts() { echo "(l.error || \"\").startsWith(\"$1\")"; }
expect /429-secs "-> 200 after 2 attempts" 'l.status === 200 && l.attempts === 2'
expect /429-date "-> 200 after 2 attempts" 'l.status === 200 && l.attempts === 2'
expect /503-once "-> 200 after 2 attempts" 'l.status === 200 && l.attempts === 2'
expect /500 "-> status 500, \"retries:\" error, attempts 3" "l.status === 500 && l.attempts === 3 && $(starts retries:)"
expect /trickle "-> \"timeout:\" (--low-speed)" "$(starts timeout:)"
expect /hang "-> \"timeout:\"" "$(starts timeout:)"
expect /reset "-> \"network:\" or \"partial:\"" "$(starts network:) || $(starts partial:)"
expect /empty "-> \"empty-reply:\"" "$(starts empty-reply:)"
expect /loop-a "-> 302 (dedup ends the loop)" 'l.status === 302'
expect /loop-b "-> 302" 'l.status === 302'
check "failures: /chain/0 .. /chain/10 are 302, /chain/11 a \"redirect:\" error" js '
	const ps = pagesOf(A[0]);
	for (let i = 0; i <= 10; i++)
		if (line1(ps, "fail.test", "/chain/" + i).status !== 302) die("/chain/" + i + " not a 302");
	const l = line1(ps, "fail.test", "/chain/11");
	if (!(l.error || "").startsWith("redirect:")) die(JSON.stringify(l));' "$OUT"
check "failures: stats.json outcome: each page in its class (/500 a 5xx, cut and refused ones failed)" js '
	const ps = pagesOf(A[0]), s = JSON.parse(fs.readFileSync(A[0] + "/stats.json", "utf8"));
	const want = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, excluded: 0, failed: 0 };
	for (const p of ps) {
		const c = Math.floor(p.status / 100);
		want[c === 4 || c === 5 ? c + "xx" :
		     p.error && p.error.startsWith("robots: disallowed") ? "excluded" :
		     p.error || c < 2 || c > 3 ? "failed" : c + "xx"]++;
	}
	if (JSON.stringify(s.outcome) !== JSON.stringify(want) || !(want["5xx"] >= 1 && want.failed >= 5))
		die(JSON.stringify(s.outcome) + " want " + JSON.stringify(want));' "$OUT"
check "failures: server saw /500 exactly 3 times and never /chain/11" js '
	const R = reqsOf(A[0]);
	const n = R.filter((r) => r.path === "/500").length;
	if (n !== 3) die("/500 requested " + n + " times");
	if (R.some((r) => r.path === "/chain/11")) die("/chain/11 was requested");' "$WORK/fail.log"

# ---------------------------------------------------------------------------
echo "e2e-polite: a host that refuses connections"
# a port nobody listens on: one the kernel just handed to a server now gone
start_server "$BUILD" "$WORK/dead.log" || exit 1
DEAD=$SRV_PORT
stop_server
for i in $(seq 1 20); do echo "http://refused.test:$DEAD/p/$i.html"; done >"$WORK/refused.txt"
# with --no-robots the page fetches themselves meet the refusals
polite refused 60 -q --no-robots --depth 0 --host-fail-limit 3 --retries 5 --retry-wait 100 \
	--resolve "refused.test:$DEAD:127.0.0.1" --urls "$WORK/refused.txt" "http://refused.test:$DEAD/"
REFUSED_MS=$MS
check_rc 8 "refused host (--no-robots): crawl exits 8 (every URL failed)"
check "refused host (--no-robots): ends in < 20 s (took $REFUSED_MS ms)" \
	test "$RC" = 8 -a "$REFUSED_MS" -lt 20000
check "refused host (--no-robots): 21 lines, \"connect:\" or \"host:\" errors, >= 15 \"host: given up\"" js '
	const ps = pagesOf(A[0]);
	if (ps.length !== 21) die(ps.length + " lines, want 21");
	const odd = ps.filter((p) => p.status !== 0 || !/^(connect|host):/.test(p.error || ""));
	if (odd.length) die(JSON.stringify(odd[0]));
	const n = ps.filter((p) => p.error.startsWith("host: given up")).length;
	if (n < 15) die(n + " host: given up lines");' "$OUT"
# with robots.txt on, its fetch meets them first: any of the three kinds will do
polite refusedr 60 -q --depth 0 --host-fail-limit 3 --retries 5 --retry-wait 100 \
	--resolve "refused.test:$DEAD:127.0.0.1" --urls "$WORK/refused.txt" "http://refused.test:$DEAD/"
REFUSED_MS=$MS
check_rc 8 "refused host (robots on): crawl exits 8 (every URL failed)"
check "refused host (robots on): ends in < 20 s (took $REFUSED_MS ms)" \
	test "$RC" = 8 -a "$REFUSED_MS" -lt 20000
check "refused host (robots on): 21 lines, each a \"robots:\", \"connect:\" or \"host:\" error" js '
	const ps = pagesOf(A[0]);
	if (ps.length !== 21) die(ps.length + " lines, want 21");
	const odd = ps.filter((p) => p.status !== 0 || !/^(robots|connect|host):/.test(p.error || ""));
	if (odd.length) die(JSON.stringify(odd[0]));' "$OUT"

# ---------------------------------------------------------------------------
echo "e2e-polite: URL lists"
start_server "$BUILD" "$WORK/bulk.log" || exit 1
BULK="http://bulk.test:$SRV_PORT/i/"
awk -v u="$BULK" 'BEGIN { for (i = 0; i < 1000000; i++) print u i }' >"$WORK/1m.txt"
head -n 10000 "$WORK/1m.txt" >"$WORK/10k.txt"
polite bulk10k 120 -q --depth 0 --max-pages 2000 --resolve "bulk.test:$SRV_PORT:127.0.0.1" --urls "$WORK/10k.txt"
check_rc 0 "10k-line list, --max-pages 2000: exit 0"
RSS10K=$(js 'console.log(JSON.parse(fs.readFileSync(A[0])).coord_max_rss_kb)' "$OUT/stats.json" 2>/dev/null)
N10K=$(grep -vc kind.:.robots "$OUT/pages.jsonl" 2>/dev/null)
polite bulk1m 120 -q --depth 0 --max-pages 2000 --resolve "bulk.test:$SRV_PORT:127.0.0.1" --urls "$WORK/1m.txt"
check_rc 0 "1M-line list, --max-pages 2000: exit 0"
RSS1M=$(js 'console.log(JSON.parse(fs.readFileSync(A[0])).coord_max_rss_kb)' "$OUT/stats.json" 2>/dev/null)
N1M=$(grep -vc kind.:.robots "$OUT/pages.jsonl" 2>/dev/null)
check "10k-line list: exactly 2000 lines" test "${N10K:-0}" = 2000
check "1M-line list: exactly 2000 lines" test "${N1M:-0}" = 2000
echo "       coord_max_rss_kb: 10k list ${RSS10K:-?}, 1M list ${RSS1M:-?}"
check "1M-line list: coordinator RSS within 10% of the 10k list's (the list is streamed)" js '
	const [a, b, na, nb] = A.map(Number);
	if (na !== 2000 || nb !== 2000) die("the crawls did not finish: " + na + " and " + nb + " lines");
	if (!(a > 0 && b > 0)) die("coord_max_rss_kb missing: " + A.join(" "));
	if (b > a * 1.1) die("1M: " + b + " kB, 10k: " + a + " kB");' \
	"${RSS10K:-x}" "${RSS1M:-x}" "${N10K:-0}" "${N1M:-0}"
rm -f "$WORK/1m.txt"

: >"$WORK/bulk.log"
{ seq 0 149; seq 0 149; } | awk -v u="${BULK}d" '{ print u $1 }' >"$WORK/dup.txt"
polite dup 60 -q --depth 0 --resolve "bulk.test:$SRV_PORT:127.0.0.1" --urls "$WORK/dup.txt"
check_rc 0 "list with every URL twice: exit 0"
check "list with every URL twice: 150 URLs, each requested exactly once" js '
	const R = reqsOf(A[0]).filter((r) => r.path.startsWith("/i/d"));
	const n = new Set(R.map((r) => r.path)).size;
	if (R.length !== 150 || n !== 150) die(R.length + " requests for " + n + " URLs, want 150 and 150");' \
	"$WORK/bulk.log"

# the progress line on a tty: done/total and an ETA when the list is a file
awk -v u="${BULK}p" 'BEGIN { for (i = 0; i < 300; i++) print u i }' >"$WORK/300.txt"
CMD="$SC -o $WORK/progress --depth 0 --rate 100 --resolve bulk.test:$SRV_PORT:127.0.0.1 --urls $WORK/300.txt"
timeout 60 script -qfec "$CMD" /dev/null >"$WORK/progress.tty" 2>&1 </dev/null
RC=$?
check "progress line (under script): exit 0" test "$RC" = 0
check "progress line shows done/300 and an ETA" sh -c "
	tr '\r' '\n' <'$WORK/progress.tty' | grep 'ETA' | grep -q '/300' || { tail -c 400 '$WORK/progress.tty'; exit 1; }"
stop_server

rm -rf "$WORK"
echo "e2e-polite: $pass passed, $fail failed"
[ "$fail" = 0 ]
