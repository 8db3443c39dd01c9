#!/usr/bin/env bash
# e2e-hostile.sh BUILD - end-to-end tests against hostile and broken servers:
# malformed, 100,000-deep and NUL-ridden HTML, a binary body labelled html, a
# 50 MB page, a gzip bomb, 100,000 links on one page, 8 KB URLs and bad
# percent-escapes, spider traps, cut and lying bodies, resets, 1 MB of
# headers, a server that never answers, an empty reply (all on the test
# server's hostile.test, tests/testsrv.md), and a TLS server with a
# self-signed certificate (openssl s_server).  For each: the crawl finishes,
# memory stays bounded, the page gets its pages.jsonl line, and nothing else
# in the crawl is affected.
# Prints "e2e-hostile: N passed, N failed"; exits 1 if anything failed.
set -u
BUILD=${1:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
. tests/lib.sh
SC="$BUILD/shardcrawl"
WORK=$(mktemp -d /tmp/sc-hostile.XXXXXX)
pass=0
fail=0
RSS_CAP=262144          # kB: 256 MB, for the coordinator and the largest shard
# ASan's shadow memory and 256 MB quarantine make RSS meaningless there
SANITIZED=
ldd "$SC" 2>/dev/null | grep -q libasan && SANITIZED=1


# crawl NAME LIMIT_S [crawler options...]: one crawl into $WORK/NAME under
# `timeout`; sets OUT, RC and MS (wall time, ms)
crawl() {
	local name=$1 limit=$2 t0
	shift 2
	OUT="$WORK/$name"
	CRAWL="$name"
	t0=$(now_ms)
	timeout "$limit" "$SC" -o "$OUT" "$@" >"$WORK/$name.stdout" 2>"$WORK/$name.stderr" </dev/null
	RC=$?
	MS=$(($(now_ms) - t0))
}

# check_rc WANT NAME MAX_MS: the last crawl exited WANT (0: every page a
# 2xx or 3xx, 8: not) within MAX_MS (else show its stderr)
check_rc() {
	if [ "$RC" = "$1" ] && [ "$MS" -lt "$3" ]; then
		ok "$2 (took $MS ms)"
	else
		{ echo "exit $RC (want $1) after $MS ms (limit $3 ms); stderr:"; tail -5 "$WORK/$CRAWL.stderr"; } >"$WORK/rc.log"
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
/* the server log: {host (no port), path (the target as requested), status} */
const reqsOf = (f) => lines(f).map((l) => {
	const [t, host, , path, status] = l.split(" ");
	return { t: +t, host: host.replace(/:[0-9]+$/, ""), path, status: +status };
});
const line1 = (ps, path) => {
	const l = ps.filter((p) => p.path === path);
	if (l.length !== 1) die(path + ": " + l.length + " lines in pages.jsonl, want 1");
	return l[0];
};
const show = (l) => JSON.stringify(l, (k, v) => (k === "host" || k === "path" ? undefined : v));
const stats = (dir) => JSON.parse(fs.readFileSync(dir + "/stats.json", "utf8"));
/* how often the path repeats its most repeated segment */
const maxRepeat = (path) => {
	const n = {};
	for (const s of path.split("?")[0].split("/").filter(Boolean)) n[s] = (n[s] || 0) + 1;
	return Math.max(0, ...Object.values(n));
};
'
js() {
	local code=$1
	shift
	node -e "$JS_LIB$code" "$@"
}

# ---------------------------------------------------------------------------
echo "e2e-hostile: hostile.test"
start_server "$BUILD" "$WORK/hostile.log" --max-seconds 120 || exit 1
HP=$SRV_PORT
# the traps have scenarios of their own: denied here, or this crawl never ends
crawl hostile 60 -q --max-size 10M --timeout 5 --retries 0 --low-speed-time 5 -j 2 \
	--deny '/trap/' --resolve "hostile.test:$HP:127.0.0.1" "http://hostile.test:$HP/"
stop_server
check_rc 8 "hostile: crawl exits 8 (the broken pages), well within its limit (silent.html costs --timeout 5)" 30000
# every path "/" links to, but the traps
BEHAVIOURS="/ /ok.html /malformed.html /deep.html /nul.html /binary.html /huge.html /bomb.html
	/manylinks.html /longurl.html /trunc-chunked.html /short-body.html /reset.html /big-headers.html
	/silent.html /empty.html"
# shellcheck disable=SC2086
check "hostile: each of the 16 pages has exactly one line; no URL twice" js '
	const ps = pagesOf(A[0]);
	for (const p of A.slice(1)) line1(ps, p);
	const seen = new Set();
	for (const p of ps) { if (seen.has(p.url)) die("twice: " + p.url); seen.add(p.url); }' \
	"$OUT" $BEHAVIOURS
# shellcheck disable=SC2086
check "hostile: the server saw each page once (--retries 0) and nothing under /trap/" js '
	const R = reqsOf(A[0]);
	for (const p of A.slice(1)) {
		const n = R.filter((r) => r.path === p).length;
		if (n !== 1) die(p + ": requested " + n + " times");
	}
	const t = R.filter((r) => r.path.startsWith("/trap/"));
	if (t.length) die(t[0].path + " requested");' "$WORK/hostile.log" $BEHAVIOURS

# expect PATH WHAT JS-CONDITION: one check on the pages.jsonl line of PATH (l)
expect() {
	check "hostile: $1 $2" js '
		const l = line1(pagesOf(A[0]), A[1]);
		if (!('"$3"')) die(show(l));' "$OUT" "$1"
}
starts() { echo "(l.error || \"\").startsWith(\"$1\")"; }
fine='l.status === 200 && !l.error && l.warc_file'
expect / "-> 200" "$fine"
expect /ok.html "-> 200" "$fine"
expect /malformed.html "-> 200" "$fine"
expect /ok2.html "-> 200 (the one valid link of malformed.html)" "$fine"
expect /deep.html "-> 200" "$fine"
expect /deep-target.html "-> 200 (the link after 100,000 nested <div>s)" "$fine"
expect /nul.html "-> 200" "$fine"
expect /nul-a.html "-> 200 (nul.html's link before the NULs)" "$fine"
expect /binary.html "-> 200, all 2 MiB kept" "$fine && l.bytes === 2097152"
expect /huge.html "-> 200, \"truncated\":true, bytes <= 10 MiB" \
	"$fine && l.truncated === true && l.bytes > 0 && l.bytes <= 10485760"
# the WARC keeps the gzip bytes as sent (~1 MB), never the 1 GiB they inflate to
expect /bomb.html "-> 200, bytes are the compressed ~1 MB as sent" \
	"$fine && l.bytes > 1000000 && l.bytes < 2000000 && !l.truncated"
expect /manylinks.html "-> 200" "$fine"
expect /longurl.html "-> 200" "$fine"
expect /trunc-chunked.html "-> \"partial:\" or \"network:\" (no last chunk, then a FIN)" \
	"$(starts partial:) || $(starts network:)"
expect /short-body.html "-> \"partial:\" (Content-Length 10000, 500 bytes, FIN)" "$(starts partial:)"
expect /reset.html "-> \"network:\" or \"partial:\" (RST mid-body)" "$(starts network:) || $(starts partial:)"
expect /big-headers.html "-> \"headers-too-large:\" (1 MiB of headers)" "$(starts headers-too-large:)"
expect /silent.html "-> status 0, \"timeout:\" (never answers)" "l.status === 0 && $(starts timeout:)"
expect /empty.html "-> status 0, \"empty-reply:\"" "l.status === 0 && $(starts empty-reply:)"
check "hostile: manylinks.html: 0 < /ml/ pages <= 20,000 (links kept per page), each a 200" js '
	const ml = pagesOf(A[0]).filter((p) => p.path.startsWith("/ml/"));
	if (!ml.length || ml.length > 20000) die(ml.length + " /ml/ pages");
	const odd = ml.filter((p) => p.status !== 200 || p.error);
	if (odd.length) die(show(odd[0]));
	console.log(ml.length + " /ml/ pages");' "$OUT"
check "hostile: manylinks.html: the cut is recorded (links_dropped in its line and in stats.json)" js '
	const m = pagesOf(A[0]).filter((p) => p.path === "/manylinks.html");
	const s = JSON.parse(require("fs").readFileSync(A[0] + "/stats.json", "utf8"));
	if (m.length !== 1 || !(m[0].links_dropped >= 80000) || !(s.links_dropped >= 80000))
		die("links_dropped: line " + (m[0] && m[0].links_dropped) + ", stats " + s.links_dropped);' "$OUT"
check "hostile: longurl.html: the 1 KB link fetched; nothing over 8 KiB recorded or requested" js '
	const ps = pagesOf(A[0]);
	const c = ps.filter((p) => p.path.startsWith("/long/c"));
	if (c.length !== 1 || c[0].status !== 200) die("/long/ccc...: " + c.length + " lines");
	const long = ps.filter((p) => p.url.length > 8192);
	if (long.length) die(long.length + " URLs over 8 KiB in pages.jsonl");
	const rl = reqsOf(A[1]).filter((r) => r.path.length > 8192);
	if (rl.length) die(rl.length + " requests for paths over 8 KiB");' "$OUT" "$WORK/hostile.log"
check "hostile: every fetched page but the 6 broken ones is a 200 without error" js '
	const broken = ["/trunc-chunked.html", "/short-body.html", "/reset.html", "/big-headers.html",
		"/silent.html", "/empty.html"];
	const odd = pagesOf(A[0]).filter((p) => !broken.includes(p.path) && (p.status !== 200 || p.error));
	if (odd.length) die(odd.length + " others, e.g. " + show(odd[0]));' "$OUT"
if [ -n "$SANITIZED" ]; then
	echo "  skip the RSS bound (sanitizer build)"
else
check "hostile: shard_max_rss_kb and coord_max_rss_kb < $RSS_CAP (256 MB)" js '
	const s = stats(A[0]);
	console.log("shard_max_rss_kb " + s.shard_max_rss_kb + ", coord_max_rss_kb " + s.coord_max_rss_kb);
	for (const k of ["shard_max_rss_kb", "coord_max_rss_kb"])
		if (!(s[k] > 0 && s[k] < +A[1])) die(k + " " + s[k]);' "$OUT" "$RSS_CAP"
fi
check "hostile: WARC files pass the independent checker" node tests/warc-check.mjs "$OUT"
# what the crawler made of the ambiguous inputs: reported, not judged
js '
	const ps = pagesOf(A[0]);
	const stat = (s) => { const l = ps.filter((p) => p.path.startsWith(s)); return l.length ? l.map((p) => p.path.slice(0, 40) + " " + p.status).join(", ") : "none"; };
	const s = stats(A[0]);
	console.log("       shard_max_rss_kb " + s.shard_max_rss_kb + ", coord_max_rss_kb " + s.coord_max_rss_kb +
		", wall_s " + s.this_run.wall_s + ", trap_refused " + s.this_run.trap_refused);
	for (const p of ["/trunc-chunked.html", "/short-body.html", "/reset.html", "/big-headers.html", "/silent.html", "/empty.html"])
		console.log("       " + p + ": " + (line1(ps, p).error || "no error"));
	console.log("       nul.html links after the NULs: " + stat("/nul-b") + "; " + stat("/nul-%"));
	console.log("       bomb.html link: " + stat("/bomb-target"));
	console.log("       bad percent-escapes: " + stat("/pct/"));' "$OUT" || true

# ---------------------------------------------------------------------------
echo "e2e-hostile: spider traps"
# (no leak check: a leak report at exit loses the buffered help text)
if ! ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" "$SC" --help 2>&1 | grep -q -- '--max-repeats'; then
	echo "  skip trap scenarios (crawler lacks the guards)"
else
	start_server "$BUILD" "$WORK/trap.log" --max-seconds 120 || exit 1
	TP=$SRV_PORT
	crawl quota 60 -q -j 2 --host-quota 200 --resolve "hostile.test:$TP:127.0.0.1" \
		"http://hostile.test:$TP/trap/cal?d=2020-01-01" "http://hostile.test:$TP/trap/deep/"
	check_rc 0 "calendar + deep trap, --host-quota 200: crawl exits 0" 30000
	check "calendar + deep trap, --host-quota 200: <= 200 lines, <= 201 requests, all 200" js '
		const ps = pagesOf(A[0]), R = reqsOf(A[1]);
		if (ps.length > 200) die(ps.length + " lines in pages.jsonl");
		if (R.length > 201) die(R.length + " requests");
		const odd = ps.filter((p) => p.status !== 200);
		if (odd.length) die(show(odd[0]));
		if (!stats(A[0]).this_run.trap_refused) die("trap_refused is 0");' "$OUT" "$WORK/trap.log"
	js 'console.log("       " + pagesOf(A[0]).length + " lines, " + reqsOf(A[1]).length +
		" requests, trap_refused " + stats(A[0]).this_run.trap_refused)' "$OUT" "$WORK/trap.log" || true
	check "calendar + deep trap: no URL over 2048 bytes, no path repeating a segment > 3 times" js '
		for (const p of pagesOf(A[0])) {
			if (p.url.length > 2048) die("fetched " + p.url.length + " bytes long");
			if (maxRepeat(p.path) > 3) die("fetched " + p.path);
		}' "$OUT"

	: >"$WORK/trap.log"
	crawl deep 60 -q -j 2 --resolve "hostile.test:$TP:127.0.0.1" "http://hostile.test:$TP/trap/deep/"
	check_rc 0 "deep trap, default guards only: crawl exits 0" 30000
	check "deep trap, default guards only: no path repeats a segment > 3 times; it ends soon" js '
		const ps = pagesOf(A[0]);
		for (const p of ps) if (maxRepeat(p.path) > 3) die("fetched " + p.path);
		if (ps.length > 10) die(ps.length + " lines");
		if (!ps.some((p) => p.path === "/trap/deep/a/a/a/")) die("/trap/deep/a/a/a/ not fetched");
		if (!stats(A[0]).this_run.trap_refused) die("trap_refused is 0");
		if (reqsOf(A[1]).some((r) => maxRepeat(r.path) > 3)) die("the server saw a deeper path");' \
		"$OUT" "$WORK/trap.log"

	: >"$WORK/trap.log"
	crawl length 60 -q -j 2 --max-repeats 0 --max-url-length 300 --resolve "hostile.test:$TP:127.0.0.1" \
		"http://hostile.test:$TP/trap/deep/"
	check_rc 0 "deep trap, --max-repeats 0 --max-url-length 300: crawl exits 0" 30000
	check "deep trap, --max-url-length 300: nothing longer fetched, but up to 2 bytes short of it" js '
		const ps = pagesOf(A[0]);
		const n = Math.max(...ps.map((p) => p.url.length));
		if (n > 300 || n < 298) die("the longest URL fetched has " + n + " bytes");
		const R = reqsOf(A[1]);
		if (R.some((r) => ("http://hostile.test:" + A[2] + r.path).length > 300)) die("a longer one requested");' \
		"$OUT" "$WORK/trap.log" "$TP"
	stop_server
fi

# ---------------------------------------------------------------------------
echo "e2e-hostile: TLS with a self-signed certificate"
if ! command -v openssl >/dev/null; then
	echo "  skip TLS scenarios (no openssl command)"
else
	# a port nobody listens on: one the kernel just handed to a server now gone
	start_server "$BUILD" "$WORK/dead.log" || exit 1
	TLSP=$SRV_PORT
	stop_server
	if ! openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=tls.test -days 1 \
		-addext subjectAltName=DNS:tls.test -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
		>"$WORK/req.log" 2>&1; then
		bad "TLS: openssl req makes a self-signed certificate" "$WORK/req.log"
	else
		timeout 60 openssl s_server -quiet -www -accept "127.0.0.1:$TLSP" \
			-cert "$WORK/cert.pem" -key "$WORK/key.pem" </dev/null >"$WORK/tls.out" 2>&1 &
		TLS_PID=$!
		SC_PIDS+=("$TLS_PID")
		for _ in $(seq 1 50); do
			curl -sk --max-time 1 -o /dev/null "https://127.0.0.1:$TLSP/" && break
			sleep 0.1
		done
		TLSR="--resolve tls.test:$TLSP:127.0.0.1"
		# shellcheck disable=SC2086
		crawl tls 30 -q --no-robots --depth 0 --retries 0 --timeout 5 $TLSR "https://tls.test:$TLSP/"
		check_rc 8 "TLS, default: crawl exits 8 (the page failed)" 15000
		check "TLS, default: the certificate is refused: status 0 and a \"tls:\" error" js '
			const l = line1(pagesOf(A[0]), "/");
			if (l.status !== 0 || !(l.error || "").startsWith("tls:")) die(show(l));' "$OUT"
		js 'console.log("       the reason: " + (line1(pagesOf(A[0]), "/").error || "none"))' "$OUT" || true
		# shellcheck disable=SC2086
		crawl tlsk 30 -q -k --no-robots --depth 0 --retries 0 --timeout 5 $TLSR "https://tls.test:$TLSP/"
		check_rc 0 "TLS, --insecure: crawl exits 0" 15000
		check "TLS, --insecure: status 200, in the WARC" js '
			const l = line1(pagesOf(A[0]), "/");
			if (l.status !== 200 || l.error || !l.warc_file) die(show(l));' "$OUT"
		check "TLS, --insecure: WARC files pass the independent checker" node tests/warc-check.mjs "$OUT"
		kill "$TLS_PID" 2>/dev/null
		wait "$TLS_PID" 2>/dev/null
	fi
fi

rm -rf "$WORK"
echo "e2e-hostile: $pass passed, $fail failed"
[ "$fail" = 0 ]
