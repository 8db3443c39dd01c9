// diff.mjs - hold common/htmltok.c against parse5's SAX parser (a WHATWG
// tokenizer with the tree builder's feedback simulated), start tag by start
// tag, over generated tag soup and any files given.
//
//   node tests/htmltok/diff.mjs DUMP_BINARY WORKDIR COUNT SEED [FILE...]
//
// Two deliberate differences are taken out of parse5's side: noscript,
// noframes and noembed are read as markup (htmltok.h says why), and svg and
// math are never self-closed in the generated documents (parse5's simulator
// enters foreign content for <svg/> and never leaves it; a browser's tree
// builder does not enter it).  Exit 0 when every document agrees; else the
// first that does not is named with both readings.
import { SAXParser } from 'parse5-sax-parser';
import { TokenizerMode } from 'parse5';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dump, work, countArg, seedArg, ...files] = process.argv.slice(2);
const count = Number(countArg);
let seed = Number(seedArg) >>> 0 || 1;

function rand(n) {                      // xorshift32
	seed ^= seed << 13; seed >>>= 0;
	seed ^= seed >>> 17;
	seed ^= seed << 5; seed >>>= 0;
	return seed % n;
}
const pick = (a) => a[rand(a.length)];

const tags = ['a', 'A', 'img', 'IMG', 'link', 'script', 'SCRIPT', 'style', 'title', 'textarea',
	'svg', 'math', 'foreignObject', 'desc', 'mi', 'annotation-xml', 'p', 'div', 'iframe',
	'noscript', 'noframes', 'noembed', 'xmp', 'font', 'image', 'base', 'meta', 'span', 'b',
	'frame', 'area', 'source', 'x-y', 'a\0b', 'é'];
const attrs = ['href', 'HREF', 'src', 'srcset', 'rel', 'style', 'xlink:href', 'color',
	'encoding', 'content', 'charset', '"q', "'", '<x', '=', 'a\0', 'data-x', 'href'];
const vals = ['x.html', '/a?b=1&c=2', '&amp;', '&copy=1', '&copy;', '&copy', '&notit;',
	'&lt', '&#x80;', '&#0;', '&#X41', '&#65;x', '&#xD800;', '&#1114112;', '&sol;&colon;',
	'&NotEqualTilde;', '&amp', 'a b', 'text/html', 'a>b', 'c\0d', 'e\r\nf', 'g\rh',
	'', '&', '&#', '&#x;', 'é', '日本'];
const texts = ['text', ' ', '\n', '<', '>', '&', '"', "'", '=', '/', '</', '</>', '<!', '<!-->',
	'<!--->', '<!--', '-->', '--!>', '--', '-', '<![CDATA[', ']]>', '<?pi', '<!DOCTYPE html>',
	'</script>', '</script', '</style>', '</title>', '</textarea>', '</svg>', '</math>',
	'</desc>', '</foreignObject>', '</mi>', '<script>', '<!--<script>', '\0', '\r', '</a x=">">',
	'</ p>', '</1>', 'é', '<a', '<a href="', "<a href='"];

function value() {
	const v = Array.from({ length: 1 + rand(3) }, () => pick(vals)).join('');
	switch (rand(4)) {
	case 0: return '="' + v.replace(/"/g, '') + '"';
	case 1: return "='" + v.replace(/'/g, '') + "'";
	case 2: return '=' + v.replace(/[\s>]/g, '');
	default: return '';
	}
}

function tag() {
	const name = pick(tags);
	let s = '<' + name;
	const n = rand(4);
	for (let i = 0; i < n; i++)
		s += pick([' ', '  ', '\n', '\t', '/', '']) + pick(attrs) + pick(['', ' ']) + value();
	const selfClose = rand(5) === 0 && !/^(svg|math)$/i.test(name);
	return s + pick([' ', '']) + (selfClose ? '/>' : '>');
}

function generate() {
	const n = 1 + rand(40);
	let s = '';
	for (let i = 0; i < n; i++)
		s += rand(2) ? tag() : pick(texts);
	return s;
}

function hex(s) {
	return Buffer.from(s, 'utf8').toString('hex');
}

const lower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function parse5Reading(doc) {
	const out = [];
	const p = new SAXParser();
	p.on('startTag', (t) => {
		const parts = [hex(lower(t.tagName))];
		for (const a of t.attrs)
			parts.push(hex(lower((a.prefix ? a.prefix + ':' : '') + a.name)) + '=' + hex(a.value));
		out.push(parts.join(' '));
		if (/^(noscript|noframes|noembed)$/.test(t.tagName) &&
		    p.tokenizer.state === TokenizerMode.RAWTEXT)
			p.tokenizer.state = TokenizerMode.DATA;
	});
	p.end(doc);
	return out;
}

mkdirSync(work, { recursive: true });
const docs = [];
for (let i = 0; i < count; i++) {
	const f = join(work, `gen-${i}.html`);
	writeFileSync(f, generate(), 'utf8');
	docs.push(f);
}
docs.push(...files);

// the C side, all files in a few runs
const c = new Map();
for (let i = 0; i < docs.length; i += 500) {
	const text = execFileSync(dump, docs.slice(i, i + 500), { maxBuffer: 1 << 28 }).toString('latin1');
	let cur = null;
	for (const line of text.split('\n')) {
		if (line.startsWith('== ')) {
			cur = [];
			c.set(line.slice(3), cur);
		} else if (line !== '') {
			cur.push(line);
		}
	}
}

let bad = 0, tagsSeen = 0;
for (const f of docs) {
	const want = parse5Reading(readFileSync(f, 'utf8'));
	const got = c.get(f) || [];
	tagsSeen += want.length;
	if (want.join('\n') !== got.join('\n')) {
		if (bad++ === 0) {
			const unhex = (l) => l.split(' ').map((h) => {
				const [n, v] = h.split('=');
				return Buffer.from(n, 'hex').toString() + (v !== undefined ? '=' + JSON.stringify(Buffer.from(v, 'hex').toString()) : '');
			}).join(' ');
			console.log(`htmltok-diff: ${f} differs:\n  document: ${JSON.stringify(readFileSync(f, 'utf8'))}`);
			console.log('  parse5:  ' + want.map(unhex).join('\n           '));
			console.log('  htmltok: ' + got.map(unhex).join('\n           '));
		}
	}
}
console.log(`htmltok-diff: ${docs.length} documents, ${tagsSeen} start tags, ${bad} differ`);
process.exit(bad ? 1 : 0);
