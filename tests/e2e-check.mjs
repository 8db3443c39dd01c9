// e2e-check.mjs - compare a crawl's pages.jsonl and the test server's request
// log with the site's expected crawl (testsrv --list).
//
//   node tests/e2e-check.mjs OUTDIR LISTFILE LOGFILE [--subset] [--refetch-ok]
//
// Checks: every expected URL is in pages.jsonl exactly once with its expected
// status (with --subset: every line is an expected URL, not all need be
// there); no other URL is in pages.jsonl; the server saw no URL twice
// (with --refetch-ok, after a killed crawl was resumed: URLs in flight at
// the kill are fetched again) and none of the forbidden ones.  Lines of
// robots.txt responses ("kind":"robots") are not pages: each must be a
// robots.txt URL.  Prints each problem; exit 1 if any.
import fs from 'node:fs';

const [outdir, listFile, logFile, ...flags] = process.argv.slice(2);
if (!outdir || !listFile || !logFile) {
	console.error('usage: e2e-check.mjs OUTDIR LISTFILE LOGFILE [--subset]');
	process.exit(2);
}
const subset = flags.includes('--subset');
const refetchOk = flags.includes('--refetch-ok');
const problems = [];

const expected = new Map();
const forbidden = [];
let inForbidden = false;
for (const line of fs.readFileSync(listFile, 'utf8').split('\n')) {
	if (!line) continue;
	if (line === '--forbidden') { inForbidden = true; continue; }
	if (inForbidden) forbidden.push(line);
	else {
		const [url, status] = line.split(' ');
		expected.set(url, Number(status));
	}
}

const seen = new Map();
const text = fs.readFileSync(`${outdir}/pages.jsonl`, 'utf8');
text.split('\n').forEach((line, i) => {
	if (!line) return;
	let rec;
	try { rec = JSON.parse(line); } catch (e) {
		problems.push(`pages.jsonl:${i + 1}: not JSON`);
		return;
	}
	// a robots.txt response ("kind":"robots") is archived, not a page of
	// the crawl; each fetch has its line (a resumed run or a restarted
	// shard fetches it again)
	if (rec.kind === 'robots') {
		if (!/^https?:\/\/[^/]+\/robots\.txt$/.test(rec.url))
			problems.push(`pages.jsonl:${i + 1}: a robots line for ${rec.url}`);
		return;
	}
	seen.set(rec.url, (seen.get(rec.url) || 0) + 1);
	if (!expected.has(rec.url))
		problems.push(`unexpected URL in pages.jsonl: ${rec.url} (${rec.status} ${rec.error || ''})`);
	else if (expected.get(rec.url) !== rec.status)
		problems.push(`${rec.url}: status ${rec.status}, want ${expected.get(rec.url)} ${rec.error || ''}`);
});
for (const [url, n] of seen)
	if (n > 1) problems.push(`${url}: ${n} lines in pages.jsonl`);
if (!subset)
	for (const url of expected.keys())
		if (!seen.has(url)) problems.push(`missing from pages.jsonl: ${url}`);

// server log: "<ms> <host:port> <method> <path> <status>"
const requested = new Map();
for (const line of fs.readFileSync(logFile, 'utf8').split('\n')) {
	if (!line) continue;
	const f = line.split(' ');
	const url = `http://${f[1]}${f[3]}`;
	requested.set(url, (requested.get(url) || 0) + 1);
}
for (const [url, n] of requested) {
	if (n > 1 && !refetchOk)
		problems.push(`server saw ${url} ${n} times`);
	for (const bad of forbidden)
		if (url === bad || (bad.endsWith('/') && url.startsWith(bad)))
			problems.push(`server saw forbidden ${url}`);
}
if (problems.length) {
	for (const p of problems.slice(0, 40)) console.error(`e2e-check: ${p}`);
	if (problems.length > 40) console.error(`e2e-check: ... ${problems.length - 40} more`);
	process.exit(1);
}
console.log(`e2e-check: ${seen.size} URLs, ${requested.size} requests ok`);
