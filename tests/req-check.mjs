// req-check.mjs - check a crawl of testsrv's req.test (tests/e2e-requisites.sh)
// against the requisites its pages and stylesheets embed.
//
//   node tests/req-check.mjs MODE OUTDIR LOGFILE PORT
//
// MODE: "on" (the default crawl), "off" (--no-requisites), "depth0"
// (--depth 0: the seed and its requisites only), "resume" (as "on", but the
// server may have seen URLs again: those in flight at a kill, and
// robots.txt, which each run fetches and archives anew).
//
// Checks, with the expected list below: the server saw every expected URL
// once (robots.txt once per host) and nothing else; pages.jsonl has each
// expected URL once, requisites marked "requisite":true with the page or
// stylesheet that needed them as referrer, pages unmarked, one
// "kind":"robots" line per host contacted; the WARC files (read with
// warcio) hold a request and a response record for each URL fetched and for
// each robots.txt.  Prints each problem; exit 1 if any.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { WARCParser } from "warcio";

const [mode, outdir, logFile, port] = process.argv.slice(2);
if (!["on", "off", "depth0", "resume"].includes(mode) || !outdir || !logFile || !port) {
  console.error("usage: req-check.mjs on|off|depth0|resume OUTDIR LOGFILE PORT");
  process.exit(2);
}
const R = `http://req.test:${port}`;
const A = `http://assets.test:${port}`;
const u = (p) => (p.startsWith("assets:") ? A + p.slice(7) : R + p);

// [url, referrer, kind]: kind "page" or "req"; status 200 unless said
const pages = [["/", null], ["/page2.html", "/"]];
const reqs = {
  "/": ["/css/main.css", "/favicon.ico", "/touch.png", "/font.woff2", "/site.webmanifest",
    "/css/inline-import.css", "/img/bg.png", "/js/app.js", "/img/a.png", "/img/a-2x.png",
    "/img/a-3x.png", "/img/p.webp", "/img/p-2x.webp", "/img/p.png", "assets:/logo.png",
    "/fig/figure.svg", "/fig/embed.swf", "/media/v.mp4", "/img/poster.png", "/media/t.vtt",
    "/media/a.ogg", "/img/button.png", "/img/div.png", "/blocked/img.png"],
  "/page2.html": ["/img/page2.png"],
  "/css/main.css": ["/css/imported.css", "/img/css-bg.png", "/img/css-A", "assets:/font.woff"],
  "/css/inline-import.css": ["/img/inline-import.png"],
  "/css/imported.css": ["/css/l3.css", "/img/imported.png"],
  "/css/l3.css": ["/css/l4.css", "/img/l3.png"],
  "/css/l4.css": ["/css/l5.css", "/img/l4.png"],
};
const EXCLUDED = u("/blocked/img.png"); // robots.txt disallows it: a line, no request

const want = new Map(); // url -> { ref, kind }
want.set(u("/"), { ref: null, kind: "page" });
if (mode !== "depth0") want.set(u("/page2.html"), { ref: u("/"), kind: "page" });
if (mode !== "off") {
  for (const [from, list] of Object.entries(reqs)) {
    if (mode === "depth0" && from === "/page2.html") continue;
    for (const p of list) want.set(u(p), { ref: u(from), kind: "req" });
  }
}
const robotsWant = new Set([u("/robots.txt")]);
if (mode !== "off") robotsWant.add(u("assets:/robots.txt"));

const problems = [];

// ---- the server's log: each fetched URL once, nothing else
const logCount = new Map();
for (const line of fs.readFileSync(logFile, "utf8").split("\n")) {
  const f = line.split(" ");
  if (f.length < 6) continue;
  const url = `http://${f[1]}${f[3]}`;
  logCount.set(url, (logCount.get(url) || 0) + 1);
}
for (const [url, n] of logCount) {
  if (robotsWant.has(url)) {
    // a resumed crawl asks again: each run's shards fetch robots.txt anew
    if (n !== 1 && mode !== "resume") problems.push(`server: ${url} requested ${n} times`);
  } else if (!want.has(url) || url === EXCLUDED) {
    problems.push(`server: ${url} requested, but it is no page or requisite of the crawl`);
  } else if (n !== 1 && mode !== "resume") {
    problems.push(`server: ${url} requested ${n} times`);
  }
}
for (const url of want.keys())
  if (url !== EXCLUDED && !logCount.has(url)) problems.push(`server: ${url} never requested`);
for (const url of robotsWant)
  if (!logCount.has(url)) problems.push(`server: ${url} never requested`);

// ---- pages.jsonl
const lines = fs.readFileSync(path.join(outdir, "pages.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
const seen = new Map();
const robotsSeen = new Set();
for (const l of lines) {
  if (l.kind === "robots") {
    if (!robotsWant.has(l.url)) problems.push(`pages.jsonl: robots line for ${l.url}`);
    if (robotsSeen.has(l.url) && mode !== "resume") problems.push(`pages.jsonl: two robots lines for ${l.url}`);
    if ("requisite" in l) problems.push(`pages.jsonl: robots line ${l.url} marked requisite`);
    robotsSeen.add(l.url);
    continue;
  }
  seen.set(l.url, (seen.get(l.url) || 0) + 1);
  const w = want.get(l.url);
  if (!w) {
    problems.push(`pages.jsonl: unexpected ${l.url}`);
    continue;
  }
  if (w.kind === "req" && l.requisite !== true) problems.push(`pages.jsonl: ${l.url} not marked requisite`);
  if (w.kind === "page" && "requisite" in l) problems.push(`pages.jsonl: page ${l.url} marked requisite`);
  if (l.referrer !== w.ref) problems.push(`pages.jsonl: ${l.url} referrer ${l.referrer}, want ${w.ref}`);
  if (l.url === EXCLUDED) {
    if (!/^robots: disallowed/.test(l.error || "")) problems.push(`pages.jsonl: ${l.url} not excluded by robots.txt`);
  } else if (l.status !== 200) {
    problems.push(`pages.jsonl: ${l.url} status ${l.status} ${l.error || ""}`);
  }
}
for (const url of want.keys()) {
  const n = seen.get(url) || 0;
  if (n !== 1) problems.push(`pages.jsonl: ${url} ${n} times`);
}
for (const url of robotsWant)
  if (!robotsSeen.has(url)) problems.push(`pages.jsonl: no robots line for ${url}`);

// ---- the WARC files, read back with warcio
const responses = new Map();
const requests = new Map();
for (const f of fs.readdirSync(outdir).filter((n) => n.endsWith(".warc.gz")).sort()) {
  const parser = new WARCParser([zlib.gunzipSync(fs.readFileSync(path.join(outdir, f)))]);
  for await (const rec of parser) {
    await rec.readFully(false);
    const m = rec.warcType === "response" ? responses : rec.warcType === "request" ? requests : null;
    if (m) m.set(rec.warcTargetURI, (m.get(rec.warcTargetURI) || 0) + 1);
  }
}
const fetched = [...want.keys()].filter((url) => url !== EXCLUDED).concat([...robotsWant]);
for (const url of fetched) {
  const n = responses.get(url) || 0;
  if (n !== 1 && !(mode === "resume" && n > 1)) problems.push(`warc: ${n} response records for ${url}`);
  if (!requests.get(url)) problems.push(`warc: no request record for ${url}`);
}
for (const url of responses.keys())
  if (!fetched.includes(url)) problems.push(`warc: unexpected response record for ${url}`);

// ---- stats.json: robots.txt lines are not pages
const st = JSON.parse(fs.readFileSync(path.join(outdir, "stats.json"), "utf8"));
const npages = lines.filter((l) => l.kind !== "robots").length;
const nreq = lines.filter((l) => l.requisite === true).length;
if (st.pages !== npages) problems.push(`stats.json: pages ${st.pages}, want ${npages}`);
const nrobots = lines.filter((l) => l.kind === "robots").length;
if (st.robots_txt !== nrobots) problems.push(`stats.json: robots_txt ${st.robots_txt}, want ${nrobots}`);
if (st.requisites !== nreq) problems.push(`stats.json: requisites ${st.requisites}, want ${nreq}`);
if (st.outcome.excluded !== (want.has(EXCLUDED) ? 1 : 0)) problems.push(`stats.json: excluded ${st.outcome.excluded}`);

if (problems.length) {
  for (const p of problems.slice(0, 50)) console.log(p);
  process.exit(1);
}
console.log(`req-check ${mode}: ${want.size} URLs (${nreq} requisites), ${robotsWant.size} robots.txt, ${responses.size} responses`);
