#!/usr/bin/env node
// Generates a small, deterministic sample crawl output directory in the format
// shardcrawl writes (WARC/1.1, one gzip member per record, plus pages.jsonl),
// optionally with one deliberate corruption, so that tests/warc-check.mjs can
// be self-tested:
//
//   node tests/warc-sample.mjs OUTDIR                  # valid sample
//   node tests/warc-sample.mjs OUTDIR --corrupt MODE   # one defect injected
//   node tests/warc-sample.mjs --list-corruptions      # print MODE names
//
// OUTDIR is created if needed; existing crawl-*.warc.gz and pages.jsonl in it
// are replaced. This file is deliberately independent of warc-check.mjs: it
// shares no code with it (own base32, payload digests taken from the body
// before it is chunked, never by de-chunking).

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";

const CORRUPTIONS = {
  "body-byte": "flip one byte of a response body (digests left stale)",
  "warc-digest": "wrong WARC-Payload-Digest in a response's WARC header",
  "block-digest": "wrong WARC-Block-Digest on a request record",
  "index-digest": "wrong digest in a pages.jsonl line",
  "offset": "a pages.jsonl warc_offset one byte too large",
  "length": "a pages.jsonl warc_length one byte too short",
  "no-warcinfo": "first file does not start with a warcinfo record",
  "truncated-gzip": "last gzip member of the last file cut short",
  "trailing-garbage": "junk bytes appended after the last gzip member",
  "content-length": "a record's Content-Length one larger than its block",
  "status": "pages.jsonl status differs from the HTTP status line",
  "orphan": "a response record with no pages.jsonl line",
  "dup-index": "two pages.jsonl lines pointing at the same record",
  "concurrent-to": "a request's WARC-Concurrent-To names no record",
  "chunk-digest": "chunked response digest computed over the raw chunked bytes",
  "bad-json": "a pages.jsonl line that is not JSON",
  "missing-key": "a pages.jsonl line without the fetch_ms key",
  "two-records-per-member": "two records compressed into one gzip member",
  "warc-version": "a record with WARC/1.0 instead of WARC/1.1",
  "content-type": "a response record with the wrong Content-Type",
};

function usage() {
  process.stderr.write(
    "usage: node warc-sample.mjs OUTDIR [--corrupt MODE]\n" +
      "       node warc-sample.mjs --list-corruptions\n",
  );
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv[0] === "--list-corruptions") {
  for (const [k, v] of Object.entries(CORRUPTIONS)) console.log(`${k}\t${v}`);
  process.exit(0);
}
let outdir = null;
let corrupt = null;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--corrupt") corrupt = argv[++i];
  else if (argv[i].startsWith("--")) usage();
  else if (outdir === null) outdir = argv[i];
  else usage();
}
if (!outdir) usage();
if (corrupt !== null && !(corrupt in CORRUPTIONS)) {
  process.stderr.write(`unknown corruption '${corrupt}'; see --list-corruptions\n`);
  process.exit(2);
}

// ---------------------------------------------------------------------------
// digests: sha1 + RFC 4648 base32 (BigInt-based, unlike the checker's)
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(buf) {
  let n = BigInt("0x" + buf.toString("hex"));
  const nchars = Math.ceil((buf.length * 8) / 5);
  n <<= BigInt(nchars * 5 - buf.length * 8);
  let s = "";
  for (let i = 0; i < nchars; i++) {
    s = B32[Number(n & 31n)] + s;
    n >>= 5n;
  }
  return s; // 20 bytes -> exactly 32 chars, no padding needed
}
const sha1 = (b) => "sha1:" + base32(crypto.createHash("sha1").update(b).digest());
if (sha1(Buffer.alloc(0)) !== "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ") {
  throw new Error("base32 self-test failed");
}

// deterministic v4-style UUIDs
let uuidCounter = 0;
function uuid() {
  const h = crypto.createHash("sha1").update(`shardcrawl-sample-${uuidCounter++}`).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `<urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}>`;
}
let dateCounter = 0;
function warcDate() {
  const us = String(123456 + 1000 * dateCounter++).padStart(6, "0");
  return `2026-11-21T12:00:00.${us}Z`;
}

// ---------------------------------------------------------------------------
const CRLF = "\r\n";
const enc = (s) => Buffer.from(s, "utf8");

// Serialize one WARC record. fields: array of [name, value] in order (without
// WARC/1.1, WARC-Block-Digest and Content-Length, which are added here).
// opts.blockDigest overrides the computed block digest; opts.mutateBlock is
// applied to the block AFTER digests were computed; opts.clDelta skews
// Content-Length.
function warcRecord(fields, block, opts = {}) {
  const blockDigest = opts.blockDigest ?? sha1(block);
  const realBlock = opts.mutateBlock ? opts.mutateBlock(Buffer.from(block)) : block;
  const lines = [opts.version ?? "WARC/1.1"];
  for (const [k, v] of fields) lines.push(`${k}: ${v}`);
  lines.push(`WARC-Block-Digest: ${blockDigest}`);
  if (opts.payloadDigest) lines.push(`WARC-Payload-Digest: ${opts.payloadDigest}`);
  lines.push(`Content-Length: ${realBlock.length + (opts.clDelta ?? 0)}`);
  return Buffer.concat([enc(lines.join(CRLF) + CRLF + CRLF), realBlock, enc(CRLF + CRLF)]);
}

function chunkify(body, sizes) {
  const parts = [];
  let pos = 0;
  sizes.forEach((n, i) => {
    const piece = body.subarray(pos, pos + n);
    pos += piece.length;
    // the 2nd chunk carries a chunk extension, to exercise the de-chunker
    parts.push(enc(piece.length.toString(16) + (i === 1 ? ";ext=1" : "") + CRLF), piece, enc(CRLF));
  });
  if (pos < body.length) {
    const piece = body.subarray(pos);
    parts.push(enc(piece.length.toString(16) + CRLF), piece, enc(CRLF));
  }
  parts.push(enc("0" + CRLF + "X-Trailer: yes" + CRLF + CRLF));
  return Buffer.concat(parts);
}

// ---------------------------------------------------------------------------
// the sample crawl
function html(title, n) {
  let s = `<!doctype html><html><head><title>${title}</title></head><body>\n`;
  for (let i = 0; i < n; i++) s += `<p>para ${i} <a href="/p/${i}.html">link ${i}</a></p>\n`;
  return enc(s + "</body></html>\n");
}

// Each fetch: url, status line, headers, stored entity (as on the wire),
// payload (entity after de-chunking; Content-Encoding NOT removed), flags.
const fetches = [];
function addFetch(f) {
  fetches.push(f);
  return f;
}
{
  const body = html("plain", 5);
  addFetch({
    file: 0, url: "http://h0.test:8080/p/1.html", depth: 0, referrer: null,
    status: 200, reason: "OK", ctype: "text/html; charset=utf-8",
    headers: [["Content-Type", "text/html; charset=utf-8"], ["Content-Length", String(body.length)]],
    wire: body, payload: body,
  });
}
{
  const body = html("chunked", 40);
  addFetch({
    file: 0, url: "http://h0.test:8080/p/2.html", depth: 1, referrer: "http://h0.test:8080/p/1.html",
    status: 200, reason: "OK", ctype: "text/html",
    headers: [["Content-Type", "text/html"], ["Transfer-Encoding", "chunked"]],
    wire: chunkify(body, [100, 1, 0x1ff]), payload: body, chunked: true,
  });
}
{
  // redirect with an empty body
  const body = Buffer.alloc(0);
  addFetch({
    file: 0, url: "http://h0.test:8080/old", depth: 1, referrer: "http://h0.test:8080/p/1.html",
    status: 301, reason: "Moved Permanently", ctype: null,
    headers: [["Location", "http://h0.test:8080/p/2.html"], ["Content-Length", "0"]],
    wire: body, payload: body,
  });
}
{
  const raw = html("gzipped", 30);
  const body = zlib.gzipSync(raw);
  addFetch({
    file: 1, url: "http://h1.test:8080/p/3.html", depth: 1, referrer: "http://h0.test:8080/p/1.html",
    status: 200, reason: "OK", ctype: "text/html",
    headers: [["Content-Type", "text/html"], ["Content-Encoding", "gzip"], ["Content-Length", String(body.length)]],
    wire: body, payload: body, responseFirst: true,
  });
}
{
  const body = enc("<html><body>not found</body></html>\n");
  addFetch({
    file: 1, url: "http://h1.test:8080/missing.html", depth: 2, referrer: "http://h1.test:8080/p/3.html",
    status: 404, reason: "Not Found", ctype: "text/html",
    headers: [["Content-Type", "text/html"], ["Content-Length", String(body.length)]],
    wire: body, payload: body,
  });
}
{
  // chunked body truncated mid-chunk (crawler's max body size hit):
  // stored = size line + 300 of 1000 bytes of the 2nd chunk.
  const body = html("big", 200);
  const full = chunkify(body, [500, 1000]);
  const first = enc((500).toString(16) + CRLF);
  const cut = first.length + 500 + 2 + enc((1000).toString(16) + ";ext=1" + CRLF).length + 300;
  addFetch({
    file: 1, url: "http://h1.test:8080/big.html", depth: 2, referrer: "http://h1.test:8080/p/3.html",
    status: 200, reason: "OK", ctype: "text/html",
    headers: [["Content-Type", "text/html"], ["Transfer-Encoding", "chunked"]],
    wire: full.subarray(0, cut),
    // payload of a truncated record: what was completely de-chunked
    // (incl. the partial chunk's data bytes)
    payload: body.subarray(0, 800), chunked: true, truncated: "length",
  });
}

// ---------------------------------------------------------------------------
fs.mkdirSync(outdir, { recursive: true });
for (const f of fs.readdirSync(outdir)) {
  if (/^crawl-\d+\.warc\.gz$/.test(f) || f === "pages.jsonl") fs.unlinkSync(path.join(outdir, f));
}

const nfiles = 2;
const members = Array.from({ length: nfiles }, () => []); // per file: Buffers (uncompressed records)
const pages = [];

for (let fi = 0; fi < nfiles; fi++) {
  const name = `crawl-${String(fi).padStart(5, "0")}.warc.gz`;
  if (!(corrupt === "no-warcinfo" && fi === 0)) {
    const info = enc(
      ["software: shardcrawl-sample/0.1", "format: WARC File Format 1.1",
       "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
       "hostname: sample", ""].join(CRLF),
    );
    members[fi].push({
      rec: warcRecord(
        [["WARC-Type", "warcinfo"], ["WARC-Record-ID", uuid()], ["WARC-Date", warcDate()],
         ["WARC-Filename", name], ["Content-Type", "application/warc-fields"]],
        info,
      ),
    });
  }
  for (const f of fetches.filter((x) => x.file === fi)) {
    const u = new URL(f.url);
    const reqBlock = enc(
      `GET ${u.pathname}${u.search} HTTP/1.1${CRLF}Host: ${u.host}${CRLF}User-Agent: shardcrawl/0.1${CRLF}` +
        `Accept-Encoding: gzip${CRLF}Connection: close${CRLF}${CRLF}`,
    );
    const respHead = enc(
      `HTTP/1.1 ${f.status} ${f.reason}${CRLF}` + f.headers.map(([k, v]) => `${k}: ${v}${CRLF}`).join("") + CRLF,
    );
    const respBlock = Buffer.concat([respHead, f.wire]);
    const respId = uuid();
    const date = warcDate();
    const isFirst200 = f.url.endsWith("/p/1.html");

    let payloadDigest = sha1(f.payload);
    if (corrupt === "chunk-digest" && f.chunked && !f.truncated) payloadDigest = sha1(f.wire);
    const respFields = [
      ["WARC-Type", "response"], ["WARC-Record-ID", respId], ["WARC-Date", date],
      ["WARC-Target-URI", f.url], ["WARC-IP-Address", "127.0.0.1"],
      ["Content-Type", corrupt === "content-type" && isFirst200 ? "application/http; msgtype=request" : "application/http;msgtype=response"],
    ];
    if (f.truncated) respFields.push(["WARC-Truncated", f.truncated]);
    const respOpts = {
      payloadDigest: corrupt === "warc-digest" && isFirst200 ? sha1(enc("something else")) : payloadDigest,
    };
    if (corrupt === "body-byte" && isFirst200) {
      respOpts.mutateBlock = (b) => { b[respHead.length + 20] ^= 0x01; return b; };
    }
    if (corrupt === "content-length" && f.status === 404) respOpts.clDelta = 1;
    if (corrupt === "warc-version" && f.status === 404) respOpts.version = "WARC/1.0";
    const resp = warcRecord(respFields, respBlock, respOpts);

    const req = warcRecord(
      [["WARC-Type", "request"],
       ["WARC-Record-ID", uuid()], ["WARC-Date", date], ["WARC-Target-URI", f.url],
       ["WARC-Concurrent-To", corrupt === "concurrent-to" && isFirst200 ? uuid() : respId],
       ["Content-Type", "application/http;msgtype=request"]],
      reqBlock,
      corrupt === "block-digest" && f.status === 404 ? { blockDigest: sha1(enc("nope")) } : {},
    );
    const respEntry = { rec: resp, fetch: f, payloadDigest };
    if (f.responseFirst) members[fi].push(respEntry, { rec: req });
    else members[fi].push({ rec: req }, respEntry);
  }
}

if (corrupt === "two-records-per-member") {
  // merge the first request+response pair of file 0 into one member
  const m = members[0];
  const i = m.findIndex((x) => x.fetch) - 1;
  m.splice(i, 2, { rec: Buffer.concat([m[i].rec, m[i + 1].rec]), fetch: m[i + 1].fetch, payloadDigest: m[i + 1].payloadDigest });
}

for (let fi = 0; fi < nfiles; fi++) {
  const name = `crawl-${String(fi).padStart(5, "0")}.warc.gz`;
  const parts = [];
  let off = 0;
  for (const m of members[fi]) {
    const gz = zlib.gzipSync(m.rec, { level: 6 });
    if (m.fetch) {
      const f = m.fetch;
      pages.push({
        url: f.url, status: f.status, content_type: f.ctype, bytes: f.payload.length,
        digest: m.payloadDigest, depth: f.depth, referrer: f.referrer, fetch_ms: 3 + pages.length,
        warc_file: name, warc_offset: off, warc_length: gz.length,
      });
    }
    parts.push(gz);
    off += gz.length;
  }
  let data = Buffer.concat(parts);
  if (fi === nfiles - 1 && corrupt === "truncated-gzip") data = data.subarray(0, data.length - 7);
  if (fi === nfiles - 1 && corrupt === "trailing-garbage") data = Buffer.concat([data, enc("garbage\n")]);
  fs.writeFileSync(path.join(outdir, name), data);
}

// a fetch that failed before any response: no WARC record
pages.push({
  url: "http://h2.test:8080/", status: null, content_type: null, bytes: 0, digest: null,
  depth: 1, referrer: "http://h0.test:8080/p/1.html", fetch_ms: 1, error: "connect: connection refused",
  warc_file: null, warc_offset: null, warc_length: null,
});

if (corrupt === "index-digest") pages[0].digest = sha1(enc("x"));
if (corrupt === "offset") pages[0].warc_offset += 1;
if (corrupt === "length") pages[1].warc_length -= 1;
if (corrupt === "status") pages.find((p) => p.status === 404).status = 200;
if (corrupt === "orphan") pages.splice(2, 1);
if (corrupt === "dup-index") pages.push({ ...pages[0], url: pages[0].url });
if (corrupt === "missing-key") delete pages[1].fetch_ms;

let lines = pages.map((p) => JSON.stringify(p));
if (corrupt === "bad-json") lines[1] = lines[1].slice(0, -1);
fs.writeFileSync(path.join(outdir, "pages.jsonl"), lines.join("\n") + "\n");

console.log(`warc-sample: wrote ${outdir} (${nfiles} files, ${pages.length} pages lines${corrupt ? `, corruption: ${corrupt}` : ""})`);
