#!/usr/bin/env node
// Independent checker of shardcrawl's output directory.
//
//   node tests/warc-check.mjs OUTDIR [--prev PREV_DIR]...
//
// OUTDIR holds crawl-NNNNN.warc.gz (WARC/1.1, one gzip member per record) and
// pages.jsonl. Every *.warc.gz is parsed twice, independently:
//   a) by warcio.js (webrecorder's WARC library, pinned in tests/package.json);
//   b) by this script: the file is split into gzip members with node's zlib
//      (each must be a complete, CRC-valid member holding exactly one record)
//      and each record's header/block is parsed by hand.
// Both must agree (record offsets, WARC headers, raw block bytes). Digests are
// recomputed from the raw block bytes (sha1 + own base32). pages.jsonl is then
// checked against the records (offset/length -> exactly one gzip member ->
// response record with same URI, status and payload digest; every response
// referenced exactly once).
//
// Payload digest = sha1 of the HTTP entity after the head, de-chunked when
// Transfer-Encoding is chunked, Content-Encoding left as is. For a record
// with WARC-Truncated cut inside a chunk, either digest is accepted: complete
// chunks only, or including the cut chunk's partial data.
//
// Revisit records (WARC 1.1 6.7): a known WARC-Profile (identical-payload-
// digest or server-not-modified), WARC-Refers-To-Target-URI and -Date, an
// HTTP head and no body; the record they refer to (same URI and date, and
// record id when WARC-Refers-To is given) must exist in OUTDIR or in one of
// the --prev directories (an earlier crawl, for --recrawl), be a response
// (or a revisit, for a chain), and have the same payload digest.
//
// index.cdxj, when present: sorted in byte order; each line's JSON names a
// record of OUTDIR by filename, offset and length, which must be exactly one
// gzip member holding a record of that URL, with the line's timestamp,
// status, digest and mime (warc/revisit for a revisit); every response and
// revisit record is named by exactly one line.
//
// Exit 0 with one summary line on success; otherwise each problem is printed
// to stderr as "FILE@OFFSET: what" (or "pages.jsonl:LINE: what") and exit 1.
// Exit 2 on usage errors.

import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import crypto from "node:crypto";
import net from "node:net";
import { WARCParser } from "warcio";
import { getSurt } from "warcio/utils";

const MAX_PRINTED = 1000;

// ---------------------------------------------------------------------------
// problems
const problems = [];
function problem(where, msg) {
  problems.push(`${where}: ${msg}`);
}
const at = (file, off) => `${file}@${off}`;

// ---------------------------------------------------------------------------
// sha1 + RFC 4648 base32
const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(bytes) {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += B32[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(acc << (5 - bits)) & 31];
  while (out.length % 8) out += "="; // never for 20-byte sha1 digests
  return out;
}
function sha1b32(buf) {
  return "sha1:" + base32(crypto.createHash("sha1").update(buf).digest());
}
// known answer: sha1("") as used in countless WARCs
if (sha1b32(Buffer.alloc(0)) !== "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ") {
  console.error("warc-check: internal error: base32 self-test failed");
  process.exit(2);
}
// Compare a stored digest with a computed one: label must be sha1 (any case),
// base32 value compared case-insensitively, optional '=' padding tolerated.
function digestEquals(stored, computed) {
  if (typeof stored !== "string") return false;
  const m = /^sha1:([A-Za-z2-7]{32})=*$/i.exec(stored.trim());
  return !!m && "sha1:" + m[1].toUpperCase() === computed;
}

// ---------------------------------------------------------------------------
const CRLFCRLF = Buffer.from("\r\n\r\n");

// Split a .warc.gz buffer into gzip members, independently of warcio.
// Returns [{offset, length}]; reports problems for anything that is not a
// sequence of complete, CRC32/ISIZE-valid gzip members. onMember(member,
// data) is called with each member's decompressed bytes.
function splitMembers(buf, fname, onMember) {
  const members = [];
  let pos = 0;
  while (pos < buf.length) {
    const where = at(fname, pos);
    const left = buf.length - pos;
    if (buf[pos] !== 0x1f || (left > 1 && buf[pos + 1] !== 0x8b) || (left > 2 && buf[pos + 2] !== 8)) {
      problem(where, `${left} trailing bytes that are not a gzip member (bad magic/method): garbage between or after records`);
      break;
    }
    if (left < 18) {
      problem(where, `truncated gzip member: only ${left} bytes left`);
      break;
    }
    const flg = buf[pos + 3];
    let p = pos + 10;
    if (flg & 0xe0) {
      problem(where, `gzip header has reserved flag bits set (0x${flg.toString(16)})`);
      break;
    }
    if (flg & 4) p += 2 + buf.readUInt16LE(p); // FEXTRA
    if (flg & 8) p = buf.indexOf(0, p) + 1 || buf.length + 1; // FNAME
    if (flg & 16) p = buf.indexOf(0, p) + 1 || buf.length + 1; // FCOMMENT
    if (flg & 2) p += 2; // FHCRC
    if (p >= buf.length) {
      problem(where, "truncated gzip member (header)");
      break;
    }
    let consumed, data;
    try {
      const r = zlib.inflateRawSync(buf.subarray(p), { info: true });
      consumed = r.engine.bytesWritten; // compressed bytes of this deflate stream
      data = r.buffer;
    } catch (e) {
      problem(where, `truncated or corrupt gzip member: ${e.message}`);
      break;
    }
    const end = p + consumed + 8;
    if (end > buf.length) {
      problem(where, "truncated gzip member (missing CRC32/ISIZE trailer)");
      break;
    }
    const member = { offset: pos, length: end - pos };
    const crcOk = zlib.crc32
      ? zlib.crc32(data) === buf.readUInt32LE(end - 8) && (data.length >>> 0) === buf.readUInt32LE(end - 4)
      : (() => {
          try {
            zlib.gunzipSync(buf.subarray(pos, end));
            return true;
          } catch {
            return false;
          }
        })();
    if (!crcOk) {
      problem(where, "gzip member CRC32/ISIZE mismatch (corrupt data)");
      break;
    }
    members.push(member);
    if (onMember) onMember(member, data);
    pos = end;
  }
  return members;
}

// Hand-parse one uncompressed WARC record that must span `data` exactly.
// Returns {version, headers: Map(lcname -> [values]), names: Map(lc->orig),
// block} or null (problems reported).
function parseRecordBytes(data, where) {
  const hdrEnd = data.indexOf(CRLFCRLF);
  if (hdrEnd < 0) {
    problem(where, "WARC header not terminated by CRLFCRLF");
    return null;
  }
  const lines = data.subarray(0, hdrEnd).toString("utf8").split("\r\n");
  const version = lines[0];
  const headers = new Map();
  let ok = true;
  for (const line of lines.slice(1)) {
    const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!m) {
      problem(where, `malformed WARC header line ${JSON.stringify(line.slice(0, 80))}`);
      ok = false;
      continue;
    }
    const k = m[1].toLowerCase();
    if (!headers.has(k)) headers.set(k, []);
    headers.get(k).push(m[2]);
  }
  if (!ok) return null;
  const clv = headers.get("content-length");
  if (!clv || clv.length !== 1 || !/^\d+$/.test(clv[0])) {
    problem(where, `missing/invalid Content-Length ${JSON.stringify(clv)}`);
    return null;
  }
  const cl = Number(clv[0]);
  const start = hdrEnd + 4;
  const avail = data.length - start;
  if (avail < cl + 4) {
    problem(
      where,
      `Content-Length ${cl} does not match block: member holds only ${avail} bytes after the header` +
        ` (need Content-Length + 4 for the closing CRLFCRLF)`,
    );
    return null;
  }
  const block = data.subarray(start, start + cl);
  const tail = data.subarray(start + cl);
  if (!tail.subarray(0, 4).equals(CRLFCRLF)) {
    problem(where, `record block not followed by CRLFCRLF (Content-Length ${cl} wrong?)`);
    return null;
  }
  if (tail.length !== 4) {
    problem(
      where,
      `${tail.length - 4} extra bytes after the record in the same gzip member` +
        ` (more than one record per member, or Content-Length too small)`,
    );
    return null;
  }
  return { version, headers, block };
}

const hget = (rec, name) => {
  const v = rec.headers.get(name.toLowerCase());
  return v ? v[0] : undefined;
};

// Split an HTTP message block into head (status/request line + headers) and
// entity bytes. Returns {startLine, fields: Map(lc -> [values]), headLen, body}
// or null.
function splitHttp(block) {
  const end = block.indexOf(CRLFCRLF);
  if (end < 0) return null;
  const lines = block.subarray(0, end).toString("latin1").split("\r\n");
  const fields = new Map();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    if (!fields.has(k)) fields.set(k, []);
    fields.get(k).push(line.slice(i + 1).trim());
  }
  return { startLine: lines[0], fields, headLen: end + 4, body: block.subarray(end + 4) };
}

function isChunked(fields) {
  const te = fields.get("transfer-encoding");
  if (!te) return false;
  const codings = te.join(",").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  return codings.length > 0 && codings[codings.length - 1] === "chunked";
}

// De-chunk a chunked entity. Returns {complete, whole, withPartial, error}:
// whole = data of all complete chunks; withPartial additionally includes the
// data bytes of a last chunk that was cut off; complete = saw the last-chunk
// (size 0) and the end of the trailer section.
function dechunk(buf) {
  const parts = [];
  let pos = 0;
  for (;;) {
    const eol = buf.indexOf("\r\n", pos);
    if (eol < 0) {
      return { complete: false, whole: Buffer.concat(parts), withPartial: Buffer.concat(parts), error: "cut in chunk-size line" };
    }
    const sizeStr = buf.subarray(pos, eol).toString("latin1").split(";")[0].trim();
    if (!/^[0-9A-Fa-f]+$/.test(sizeStr)) {
      return { complete: false, whole: Buffer.concat(parts), withPartial: Buffer.concat(parts), error: `bad chunk-size line at entity byte ${pos}` };
    }
    const size = parseInt(sizeStr, 16);
    pos = eol + 2;
    if (size === 0) {
      // trailer section: header lines until an empty line
      for (;;) {
        const e = buf.indexOf("\r\n", pos);
        if (e < 0) {
          return { complete: false, whole: Buffer.concat(parts), withPartial: Buffer.concat(parts), error: "cut in trailer section" };
        }
        const empty = e === pos;
        pos = e + 2;
        if (empty) break;
      }
      const whole = Buffer.concat(parts);
      const extra = buf.length - pos;
      return { complete: true, whole, withPartial: whole, error: extra ? `${extra} bytes after the last chunk` : null };
    }
    if (pos + size > buf.length) {
      const whole = Buffer.concat(parts);
      return { complete: false, whole, withPartial: Buffer.concat([whole, buf.subarray(pos)]), error: "cut inside chunk data" };
    }
    parts.push(buf.subarray(pos, pos + size));
    pos += size;
    if (pos + 2 > buf.length) {
      const whole = Buffer.concat(parts);
      return { complete: false, whole, withPartial: whole, error: "cut after chunk data" };
    }
    if (buf[pos] !== 13 || buf[pos + 1] !== 10) {
      const whole = Buffer.concat(parts);
      return { complete: false, whole, withPartial: whole, error: `chunk data not followed by CRLF at entity byte ${pos}` };
    }
    pos += 2;
  }
}

const RE_ID = /^<urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}>$/;
const PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";
const PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
const RE_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?Z$/;
const RE_CT = (kind) => new RegExp(`^application/http[ \\t]*;[ \\t]*msgtype[ \\t]*=[ \\t]*"?${kind}"?[ \\t]*$`, "i");
const WARC_TYPES = new Set(["warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"]);

// ---------------------------------------------------------------------------
// per-file check
// results: responses keyed by `${file}\0${offset}`
const responses = new Map(); // key -> {file, offset, length, uri, payloadDigest, status, refs, type}
const revisits = []; // {where, profile, uri, refUri, refDate, refId, digest}
const allIds = new Map(); // record id -> where
let nRecords = 0;

async function checkFile(outdir, fname) {
  const fpath = path.join(outdir, fname);
  const buf = fs.readFileSync(fpath);
  if (buf.length === 0) {
    problem(at(fname, 0), "empty file (no warcinfo record)");
    return;
  }
  // ---- own parse and checks of every member; only a compact summary of each
  // record is kept (so memory stays ~ the compressed file size)
  const idsHere = new Map(); // id -> {type, where, uri}
  const requests = [];
  const mine = []; // aligned with members; null where unparseable
  const members = splitMembers(buf, fname, (m, data) => {
    nRecords++;
    const rec = parseRecordBytes(data, at(fname, m.offset));
    mine.push(rec ? checkOwnRecord(rec, fname, m, mine.length, idsHere, requests) : null);
  });

  // ---- 2. request -> response in the same file
  for (const r of requests) {
    const target = idsHere.get(r.to);
    if (!target) problem(r.where, `WARC-Concurrent-To ${r.to} names no record in this file`);
    else if (target.type !== "response" && target.type !== "revisit") problem(r.where, `WARC-Concurrent-To ${r.to} names a ${target.type} record, not a response`);
    else if (r.uri && target.uri !== r.uri) problem(r.where, `request WARC-Target-URI ${r.uri} differs from its response's ${target.uri}`);
  }

  // ---- warcio parse of the whole file
  const origWarn = console.warn;
  let curWhere = at(fname, 0);
  console.warn = (...a) => problem(curWhere, `warcio warning: ${a.join(" ")}`);
  const wrecs = [];
  try {
    const parser = new WARCParser(fs.createReadStream(fpath));
    for await (const record of parser) {
      const off = parser.offset;
      curWhere = at(fname, off);
      if (!parser._reader.compressed) {
        problem(curWhere, "warcio does not see this file as gzip-compressed");
      }
      // raw bytes (not de-chunked, not decompressed): for request/response
      // records warcio has already parsed the HTTP head, so these are the
      // bytes after it; for other records the whole block
      const raw = await record.readFully(false);
      const headers = {};
      for (const name of COMPARED_HEADERS) headers[name] = record.warcHeaders.headers.get(name) ?? undefined;
      wrecs.push({
        off,
        version: record.warcHeaders.protocol,
        headers,
        rawLen: raw.length,
        rawHash: sha1b32(raw),
        http: !!record.httpHeaders,
        statusCode: record.httpHeaders ? record.httpHeaders.statusCode : undefined,
      });
    }
  } catch (e) {
    problem(curWhere, `warcio failed to parse: ${e && e.message ? e.message : e}`);
  } finally {
    console.warn = origWarn;
  }

  // ---- compare: pair warcio's records with gzip members by offset
  if (wrecs.length !== members.length) {
    problem(at(fname, 0), `warcio found ${wrecs.length} records but the file has ${members.length} complete gzip members`);
  }
  const wByOff = new Map(); // offset -> warcio record, or "ambiguous"
  for (const w of wrecs) {
    if (!wByOff.has(w.off)) wByOff.set(w.off, w);
    else if (wByOff.get(w.off) !== "ambiguous") {
      problem(at(fname, w.off), "warcio reports more than one record at this offset (several records in one gzip member?)");
      wByOff.set(w.off, "ambiguous");
    }
  }
  const memberOffs = new Set(members.map((m) => m.offset));
  for (const w of wrecs) {
    if (!memberOffs.has(w.off)) problem(at(fname, w.off), "warcio reports a record at an offset that is not the start of a complete gzip member");
  }
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    const where = at(fname, m.offset);
    const w = wByOff.get(m.offset);
    if (!w) {
      problem(where, "warcio does not find a record starting at this gzip member");
      continue;
    }
    const s = mine[i];
    if (w === "ambiguous" || !s) continue;
    if (w.version !== s.version) problem(where, `warcio reads version ${JSON.stringify(w.version)}, own parse ${JSON.stringify(s.version)}`);
    for (const name of COMPARED_HEADERS) {
      const a = w.headers[name];
      const b = s.headers[name];
      if ((a ?? "") !== (b ?? "")) problem(where, `warcio reads ${name} ${JSON.stringify(a)}, own parse ${JSON.stringify(b)}`);
    }
    const isHttp = s.type === "request" || s.type === "response" || s.type === "revisit";
    if (isHttp && !w.http) {
      problem(where, `warcio could not parse the HTTP head of this ${s.type}`);
      continue;
    }
    const expect = w.http ? s.httpBody : s.block;
    if (!expect) problem(where, "warcio parsed an HTTP head that the own parse did not find");
    else if (expect.hash !== w.rawHash) {
      problem(where, `warcio's raw ${w.http ? "bytes after the HTTP head" : "block"} (${w.rawLen} bytes) differ from the member's (${expect.len} bytes)`);
    }
    if ((s.type === "response" || s.type === "revisit") && s.status !== null && Number(w.statusCode) !== s.status) {
      problem(where, `warcio reads HTTP status ${w.statusCode}, own parse ${s.status}`);
    }
  }
  return members.length;
}

const COMPARED_HEADERS = ["WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Target-URI", "Content-Length", "WARC-Block-Digest", "WARC-Payload-Digest", "WARC-Concurrent-To", "WARC-Truncated", "Content-Type"];

// All checks of one hand-parsed record. Returns a compact summary for the
// comparison with warcio.
function checkOwnRecord(rec, fname, m, i, idsHere, requests) {
  const where = at(fname, m.offset);

  // ---- 1. basic WARC header checks
  if (rec.version !== "WARC/1.1") problem(where, `version line is ${JSON.stringify(rec.version)}, expected WARC/1.1`);
  for (const name of ["WARC-Record-ID", "WARC-Date", "WARC-Type", "Content-Length"]) {
    const v = rec.headers.get(name.toLowerCase());
    if (!v) problem(where, `missing ${name}`);
    else if (v.length > 1) problem(where, `${name} given ${v.length} times`);
  }
  const type = hget(rec, "WARC-Type");
  const id = hget(rec, "WARC-Record-ID");
  const date = hget(rec, "WARC-Date");
  if (id !== undefined && !RE_ID.test(id)) problem(where, `WARC-Record-ID ${JSON.stringify(id)} is not <urn:uuid:...>`);
  if (id !== undefined) {
    if (allIds.has(id)) problem(where, `duplicate WARC-Record-ID ${id} (also at ${allIds.get(id)})`);
    else allIds.set(id, where);
    idsHere.set(id, { type, where, uri: hget(rec, "WARC-Target-URI") });
  }
  if (date !== undefined && !RE_DATE.test(date)) problem(where, `WARC-Date ${JSON.stringify(date)} is not UTC ISO 8601 (YYYY-MM-DDThh:mm:ss[.f]Z)`);
  if (type !== undefined && !WARC_TYPES.has(type)) problem(where, `unknown WARC-Type ${JSON.stringify(type)}`);
  if (i === 0 && type !== "warcinfo") problem(where, `first record of the file is WARC-Type ${JSON.stringify(type)}, expected warcinfo`);
  if (type === "warcinfo") {
    if (!hget(rec, "WARC-Filename")) problem(where, "warcinfo without WARC-Filename");
    const ct = hget(rec, "Content-Type");
    if (!ct || !/^application\/warc-fields\s*$/i.test(ct)) problem(where, `warcinfo Content-Type ${JSON.stringify(ct)}, expected application/warc-fields`);
  }

  // ---- 3a. block digest over the raw block bytes
  const bd = hget(rec, "WARC-Block-Digest");
  const blockHash = sha1b32(rec.block);
  if (bd === undefined) {
    if (type === "request" || type === "response" || type === "revisit") problem(where, "missing WARC-Block-Digest");
  } else if (!digestEquals(bd, blockHash)) {
    problem(where, `WARC-Block-Digest ${bd} != computed ${blockHash}`);
  }

  const summary = {
    version: rec.version,
    type,
    headers: Object.fromEntries(COMPARED_HEADERS.map((n) => [n, hget(rec, n)])),
    block: { hash: blockHash, len: rec.block.length },
    httpBody: null,
    status: null,
  };

  // ---- revisit: its own fields, and the record it refers to (checked later)
  if (type === "revisit") {
    const uri = hget(rec, "WARC-Target-URI");
    const profile = hget(rec, "WARC-Profile");
    const refUri = hget(rec, "WARC-Refers-To-Target-URI");
    const refDate = hget(rec, "WARC-Refers-To-Date");
    const digest = hget(rec, "WARC-Payload-Digest");
    if (!uri) problem(where, "revisit without WARC-Target-URI");
    if (profile !== PROFILE_IDENTICAL && profile !== PROFILE_NOT_MODIFIED) problem(where, `revisit WARC-Profile ${JSON.stringify(profile)} is neither identical-payload-digest nor server-not-modified`);
    if (!refUri) problem(where, "revisit without WARC-Refers-To-Target-URI");
    if (!refDate || !RE_DATE.test(refDate)) problem(where, `revisit WARC-Refers-To-Date ${JSON.stringify(refDate)} missing or not a WARC date`);
    if (profile === PROFILE_IDENTICAL && !digest) problem(where, "identical-payload-digest revisit without WARC-Payload-Digest");
    if (profile === PROFILE_IDENTICAL && refUri && uri === refUri && refDate === date) problem(where, "revisit refers to itself");
    const ct = hget(rec, "Content-Type");
    if (!ct || !RE_CT("response").test(ct)) problem(where, `revisit Content-Type ${JSON.stringify(ct)}, expected application/http;msgtype=response`);
    const h = splitHttp(rec.block);
    if (!h) problem(where, "revisit block has no HTTP head terminated by CRLFCRLF");
    else {
      summary.httpBody = { hash: sha1b32(h.body), len: h.body.length };
      if (h.body.length) problem(where, `revisit block has ${h.body.length} bytes after its HTTP head (a revisit stores no payload)`);
      const sm = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(h.startLine);
      if (!sm) problem(where, `revisit block does not start with an HTTP/1.x status line: ${JSON.stringify(h.startLine.slice(0, 100))}`);
      else summary.status = Number(sm[1]);
      if (sm && profile === PROFILE_NOT_MODIFIED && summary.status !== 304) problem(where, `server-not-modified revisit of an HTTP ${summary.status}, not a 304`);
    }
    revisits.push({ where, profile, uri, refUri, refDate, refId: hget(rec, "WARC-Refers-To"), digest });
    responses.set(`${fname}\0${m.offset}`, {
      file: fname, offset: m.offset, length: m.length, where, uri, id, payloadDigest: digest, status: summary.status, refs: [], type, date, cdx: 0,
    });
  }

  // ---- 2./3b./4. request & response
  if (type === "request" || type === "response") {
    const uri = hget(rec, "WARC-Target-URI");
    if (!uri) problem(where, `${type} without WARC-Target-URI`);
    else {
      try {
        new URL(uri);
      } catch {
        problem(where, `WARC-Target-URI ${JSON.stringify(uri)} is not an absolute URL`);
      }
    }
    const ct = hget(rec, "Content-Type");
    if (!ct || !RE_CT(type).test(ct)) problem(where, `${type} Content-Type ${JSON.stringify(ct)}, expected application/http;msgtype=${type}`);

    const h = splitHttp(rec.block);
    if (!h) problem(where, `${type} block has no HTTP head terminated by CRLFCRLF`);
    else summary.httpBody = { hash: sha1b32(h.body), len: h.body.length };
    const truncated = hget(rec, "WARC-Truncated");

    if (type === "request") {
      if (h && !/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(h.startLine)) problem(where, `bad HTTP request line ${JSON.stringify(h.startLine.slice(0, 100))}`);
      const ct2 = hget(rec, "WARC-Concurrent-To");
      if (!ct2) problem(where, "request without WARC-Concurrent-To");
      else requests.push({ where, to: ct2, uri });
      const pd = hget(rec, "WARC-Payload-Digest");
      if (pd !== undefined && h && !digestEquals(pd, summary.httpBody.hash)) problem(where, `request WARC-Payload-Digest ${pd} != computed ${summary.httpBody.hash}`);
    } else {
      const ip = hget(rec, "WARC-IP-Address");
      if (!ip) problem(where, "response without WARC-IP-Address");
      else if (!net.isIP(ip)) problem(where, `WARC-IP-Address ${JSON.stringify(ip)} is not an IP address`);
      if (h) {
        const sm = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(h.startLine);
        if (!sm) problem(where, `response block does not start with an HTTP/1.x status line: ${JSON.stringify(h.startLine.slice(0, 100))}`);
        else summary.status = Number(sm[1]);
      }
      const pd = hget(rec, "WARC-Payload-Digest");
      if (pd === undefined) problem(where, "response without WARC-Payload-Digest");
      else if (h) {
        let candidates;
        if (isChunked(h.fields)) {
          const d = dechunk(h.body);
          if (d.complete && d.error) problem(where, `chunked entity: ${d.error}`);
          if (!d.complete) {
            if (!truncated) problem(where, `chunked entity incomplete (${d.error}) but no WARC-Truncated header`);
            // truncated: accept the digest of the complete chunks, with or
            // without the data bytes of the cut-off last chunk
            candidates = [sha1b32(d.whole), sha1b32(d.withPartial)];
          } else {
            candidates = [sha1b32(d.whole)];
          }
        } else {
          candidates = [summary.httpBody.hash];
        }
        if (!candidates.some((c) => digestEquals(pd, c))) {
          problem(where, `WARC-Payload-Digest ${pd} != computed ${[...new Set(candidates)].join(" or ")}`);
        }
      }
      responses.set(`${fname}\0${m.offset}`, {
        file: fname, offset: m.offset, length: m.length, where, uri, id, payloadDigest: pd, status: summary.status, refs: [], type, date, cdx: 0,
      });
    }
  }
  return summary;
}

// ---------------------------------------------------------------------------
// pages.jsonl
const PAGE_KEYS = ["url", "status", "content_type", "bytes", "digest", "depth", "referrer", "fetch_ms", "warc_file", "warc_offset", "warc_length"];

async function checkPages(outdir, warcFiles) {
  const ppath = path.join(outdir, "pages.jsonl");
  if (!fs.existsSync(ppath)) {
    problem("pages.jsonl", "missing");
    return 0;
  }
  const text = fs.readFileSync(ppath, "utf8");
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  else if (lines.length) problem(`pages.jsonl:${lines.length}`, "last line not terminated by a newline (partially written?)");
  const fileSet = new Set(warcFiles);
  const bufCache = new Map();
  let count = 0;
  for (let li = 0; li < lines.length; li++) {
    const where = `pages.jsonl:${li + 1}`;
    count++;
    let p;
    try {
      p = JSON.parse(lines[li]);
    } catch (e) {
      problem(where, `invalid JSON: ${e.message}`);
      continue;
    }
    if (p === null || typeof p !== "object" || Array.isArray(p)) {
      problem(where, "not a JSON object");
      continue;
    }
    const missing = PAGE_KEYS.filter((k) => !(k in p));
    if (missing.length) {
      problem(where, `missing keys: ${missing.join(", ")}`);
      continue;
    }
    if (typeof p.url !== "string" || !p.url) problem(where, "url is not a non-empty string");
    if (p.status !== null && !Number.isInteger(p.status)) problem(where, `status ${JSON.stringify(p.status)} is not an integer or null`);
    const wnull = [p.warc_file, p.warc_offset, p.warc_length].map((v) => v === null);
    if (wnull.some((x) => x) && !wnull.every((x) => x)) {
      problem(where, "warc_file/warc_offset/warc_length must be all null or all set");
      continue;
    }
    if (p.warc_file === null) continue;
    if (typeof p.warc_file !== "string" || !Number.isInteger(p.warc_offset) || !Number.isInteger(p.warc_length) || p.warc_offset < 0 || p.warc_length <= 0) {
      problem(where, `bad warc_file/warc_offset/warc_length ${JSON.stringify([p.warc_file, p.warc_offset, p.warc_length])}`);
      continue;
    }
    if (path.basename(p.warc_file) !== p.warc_file || !fileSet.has(p.warc_file)) {
      problem(where, `warc_file ${JSON.stringify(p.warc_file)} is not one of the WARC files in OUTDIR`);
      continue;
    }
    const wwhere = `${where} (${p.warc_file}@${p.warc_offset}+${p.warc_length})`;
    let buf = bufCache.get(p.warc_file);
    if (!buf) {
      buf = fs.readFileSync(path.join(outdir, p.warc_file));
      bufCache.clear(); // keep one file in memory
      bufCache.set(p.warc_file, buf);
    }
    if (p.warc_offset + p.warc_length > buf.length) {
      problem(wwhere, `range past end of file (size ${buf.length})`);
      continue;
    }
    const slice = buf.subarray(p.warc_offset, p.warc_offset + p.warc_length);
    let data;
    try {
      data = zlib.gunzipSync(slice);
    } catch (e) {
      problem(wwhere, `slice is not exactly one complete gzip member: ${e.message}`);
      continue;
    }
    let rec;
    try {
      const parser = new WARCParser([data]);
      rec = await parser.parse();
      if (rec) {
        await rec.readFully(false);
        const more = await parser.parse();
        if (more) problem(wwhere, "slice holds more than one WARC record");
      }
    } catch (e) {
      problem(wwhere, `warcio cannot parse the record: ${e && e.message ? e.message : e}`);
      continue;
    }
    if (!rec) {
      problem(wwhere, "warcio finds no record in the slice");
      continue;
    }
    if (rec.warcType !== "response" && rec.warcType !== "revisit") {
      problem(wwhere, `points at a ${rec.warcType} record, not a response`);
      continue;
    }
    if ((rec.warcType === "revisit") !== (p.revisit === "identical" || p.revisit === "not-modified")) {
      problem(wwhere, `a ${rec.warcType} record, but the line's revisit is ${JSON.stringify(p.revisit)}`);
    }
    if (rec.warcTargetURI !== p.url) problem(wwhere, `record WARC-Target-URI ${rec.warcTargetURI} != url ${p.url}`);
    const pd = rec.warcHeaders.headers.get("WARC-Payload-Digest");
    if (typeof p.digest !== "string" || !pd || p.digest !== pd) problem(wwhere, `digest ${p.digest} != record's WARC-Payload-Digest ${pd}`);
    const r = responses.get(`${p.warc_file}\0${p.warc_offset}`);
    if (!r) {
      problem(wwhere, "offset is not the start of a response record's gzip member in the file");
      continue;
    }
    if (r.length !== p.warc_length) problem(wwhere, `warc_length ${p.warc_length} != member length ${r.length}`);
    if (r.status !== null && p.status !== r.status) problem(wwhere, `status ${p.status} != HTTP status ${r.status} in the record`);
    r.refs.push(li + 1);
  }
  for (const r of responses.values()) {
    if (r.refs.length === 0) problem(r.where, `response record (${r.uri}) not referenced by any pages.jsonl line`);
    else if (r.refs.length > 1) problem(r.where, `response record (${r.uri}) referenced by ${r.refs.length} pages.jsonl lines: ${r.refs.join(", ")}`);
  }
  return count;
}

// ---------------------------------------------------------------------------
// revisits: the record each refers to, here or in a --prev directory
function recordsOf(dir) {
  const out = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".warc.gz")).sort()) {
    splitMembers(fs.readFileSync(path.join(dir, f)), `${dir}/${f}`, (m, data) => {
      const rec = parseRecordBytes(data, at(`${dir}/${f}`, m.offset));
      if (!rec) return;
      out.push({ type: hget(rec, "WARC-Type"), uri: hget(rec, "WARC-Target-URI"), date: hget(rec, "WARC-Date"),
                 id: hget(rec, "WARC-Record-ID"), payloadDigest: hget(rec, "WARC-Payload-Digest"), where: at(`${dir}/${f}`, m.offset) });
    });
  }
  return out;
}

function checkRevisits(prevDirs) {
  if (!revisits.length) return;
  const byKey = new Map();
  const add = (r) => {
    if (r.type !== "response" && r.type !== "revisit") return;
    const k = `${r.uri}\0${r.date}`;
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k).push(r);
  };
  for (const r of responses.values()) add(r);
  for (const d of prevDirs) for (const r of recordsOf(d)) add(r);
  for (const v of revisits) {
    if (!v.refUri || !v.refDate) continue;
    const found = (byKey.get(`${v.refUri}\0${v.refDate}`) || []).filter((r) => !v.refId || r.id === v.refId);
    if (!found.length) {
      problem(v.where, `refers to ${v.refUri} at ${v.refDate}${v.refId ? " " + v.refId : ""}: no such record in the crawl${prevDirs.length ? " or " + prevDirs.join(", ") : ""}`);
      continue;
    }
    const t = found[0];
    if (v.digest && t.payloadDigest !== v.digest) problem(v.where, `WARC-Payload-Digest ${v.digest} != ${t.payloadDigest} of the record referred to (${t.where})`);
    if (v.profile === PROFILE_IDENTICAL && t.type === "revisit") problem(v.where, `identical-payload-digest revisit refers to another revisit (${t.where})`);
  }
}

// index.cdxj: every line names a record of its URL; every capture is named once
async function checkCdxj(outdir) {
  const ipath = path.join(outdir, "index.cdxj");
  if (!fs.existsSync(ipath)) return -1;
  const raw = fs.readFileSync(ipath);
  const lines = raw.toString("latin1").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  else if (lines.length) problem(`index.cdxj:${lines.length}`, "last line not terminated by a newline");
  const files = new Map();
  let prev = null;
  for (let i = 0; i < lines.length; i++) {
    const where = `index.cdxj:${i + 1}`;
    const lb = Buffer.from(lines[i], "latin1");
    if (prev && Buffer.compare(prev, lb) > 0) problem(where, "lines not sorted in byte order");
    prev = lb;
    const m = /^(\S+) (\d{14}) (\{.*\})$/.exec(Buffer.from(lines[i], "latin1").toString("utf8"));
    if (!m) {
      problem(where, "not 'SURT TIMESTAMP {json}'");
      continue;
    }
    let j;
    try {
      j = JSON.parse(m[3]);
    } catch (e) {
      problem(where, `invalid JSON: ${e.message}`);
      continue;
    }
    if (m[1] !== getSurt(j.url)) problem(where, `key ${m[1]} is not the SURT of ${j.url} (${getSurt(j.url)})`);
    const off = Number(j.offset), len = Number(j.length);
    if (typeof j.filename !== "string" || path.basename(j.filename) !== j.filename || !/^\d+$/.test(j.offset) || !/^\d+$/.test(j.length)) {
      problem(where, `bad filename/offset/length ${JSON.stringify([j.filename, j.offset, j.length])}`);
      continue;
    }
    if (!files.has(j.filename)) {
      const fp = path.join(outdir, j.filename);
      files.set(j.filename, fs.existsSync(fp) ? fs.readFileSync(fp) : null);
    }
    const buf = files.get(j.filename);
    if (!buf) {
      problem(where, `filename ${j.filename} is not a file of OUTDIR`);
      continue;
    }
    let data;
    try {
      data = zlib.gunzipSync(buf.subarray(off, off + len));
    } catch (e) {
      problem(where, `${j.filename}@${off}+${len} is not exactly one gzip member: ${e.message}`);
      continue;
    }
    const rec = await new WARCParser([data]).parse();
    if (!rec) {
      problem(where, `no WARC record at ${j.filename}@${off}`);
      continue;
    }
    await rec.readFully(false);
    if (rec.warcTargetURI !== j.url) problem(where, `the record at ${j.filename}@${off} is of ${rec.warcTargetURI}, not ${j.url}`);
    if (rec.warcType === "request" || rec.warcType === "warcinfo") problem(where, `names a ${rec.warcType} record`);
    if ((rec.warcDate || "").replace(/[^0-9]/g, "").slice(0, 14) !== m[2]) problem(where, `timestamp ${m[2]} != WARC-Date ${rec.warcDate}`);
    const st = rec.httpHeaders ? String(rec.httpHeaders.statusCode) : undefined;
    if (st !== j.status) problem(where, `status ${j.status} != the record's ${st}`);
    const pd = rec.warcPayloadDigest ? rec.warcPayloadDigest.split(":")[1] : undefined;
    if (pd !== j.digest) problem(where, `digest ${j.digest} != the record's ${pd}`);
    if ((rec.warcType === "revisit") !== (j.mime === "warc/revisit")) problem(where, `mime ${j.mime} for a ${rec.warcType} record`);
    const r = responses.get(`${j.filename}\0${off}`);
    if (r) r.cdx++;
  }
  for (const r of responses.values()) {
    if (r.cdx !== 1) problem(r.where, `${r.type} record (${r.uri}) named by ${r.cdx} index.cdxj lines, not 1`);
  }
  return lines.length;
}

// ---------------------------------------------------------------------------
async function main() {
  const args = process.argv.slice(2);
  const prevDirs = [];
  for (let i = 1; i + 1 < args.length && args[i] === "--prev"; i += 2) prevDirs.push(args[i + 1]);
  if (args.length !== 1 + 2 * prevDirs.length || args[0].startsWith("-")) {
    console.error("usage: node tests/warc-check.mjs OUTDIR [--prev PREV_DIR]...");
    process.exit(2);
  }
  const outdir = args[0];
  if (!fs.existsSync(outdir) || !fs.statSync(outdir).isDirectory()) {
    console.error(`warc-check: ${outdir}: not a directory`);
    process.exit(2);
  }
  const warcFiles = fs.readdirSync(outdir).filter((f) => f.endsWith(".warc.gz")).sort();
  if (warcFiles.length === 0) problem(outdir, "no *.warc.gz files");
  for (const f of warcFiles) {
    try {
      await checkFile(outdir, f);
    } catch (e) {
      problem(f, `checker crashed on this file: ${e && e.stack ? e.stack : e}`);
    }
  }
  let nIndex = 0, nCdxj = -1;
  try {
    nIndex = await checkPages(outdir, warcFiles);
  } catch (e) {
    problem("pages.jsonl", `checker crashed: ${e && e.stack ? e.stack : e}`);
  }
  try {
    checkRevisits(prevDirs);
    nCdxj = await checkCdxj(outdir);
  } catch (e) {
    problem("index.cdxj", `checker crashed: ${e && e.stack ? e.stack : e}`);
  }

  if (problems.length) {
    for (const p of problems.slice(0, MAX_PRINTED)) console.error(p);
    if (problems.length > MAX_PRINTED) console.error(`... and ${problems.length - MAX_PRINTED} more`);
    console.error(`warc-check: FAILED with ${problems.length} problem(s) in ${outdir}`);
    process.exit(1);
  }
  console.log(`warc-check: ${warcFiles.length} files, ${nRecords} records, ${responses.size} responses (${revisits.length} revisits), ${nIndex} index entries${nCdxj >= 0 ? `, ${nCdxj} index.cdxj lines` : ""} ok`);
}

main().catch((e) => {
  console.error(`warc-check: internal error: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
