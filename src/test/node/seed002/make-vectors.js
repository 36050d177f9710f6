#!/usr/bin/env node
// Writes src/test/resources/ecma-json-vectors.json: JSON texts and what this Node prints for
// JSON.stringify(JSON.parse(text)) (no indentation), the bytes a partner's `express.json()` + seed-002 middleware
// signs-checks. EcmaJsonTest asserts that io.tokenlogin.keycloak.webhook.EcmaJson writes exactly these.
//
//   cd src/test/node/seed002 && node make-vectors.js
//
// Deterministic: the same Node major gives the same file (the random numbers come from a fixed-seed generator).
'use strict';
const fs = require('fs');
const path = require('path');

const texts = [];
const add = (name, text) => texts.push({ name, text });

// --- numbers -------------------------------------------------------------------------------------------------
[
  '0', '-0', '0.0', '-0.0', '0e10', '-0e-10', '1', '-1', '2.0', '-2.0', '100.0', '1.5', '0.1', '0.2', '0.3',
  '0.30000000000000004', '0.1e1', '1e2', '1E2', '1e+2', '10e-1', '123.456', '-123.456e-5',
  '1e20', '1e21', '1e+21', '1E21', '9.999999999999999e20', '999999999999999999999', '123456789012345680000',
  '1e22', '1e23', '2e23', '1.5e300', '-1.5e300', '1.7976931348623157e308', '1.7976931348623158e308',
  '1e308', '1e309', '1e400', '-1e400', '1e-400', '-1e-400',
  '1e-6', '0.000001', '1e-7', '0.0000001', '1.5e-7', '0.00000123', '0.000000123', '1e-5', '2e-3',
  '5e-324', '4.9e-324', '2.4703282292062328e-324', '2.4703282292062327e-324', '2.2250738585072014e-308',
  '2.225073858507201e-308', '4.35e-311',
  '9007199254740991', '9007199254740992', '9007199254740993', '9007199254740995', '-9007199254740993',
  '9223372036854775807', '9223372036854775808', '18446744073709551615', '18446744073709551616',
  '123456789012345678901234567890', '-123456789012345678901234567890', '12345678901234567890123',
  '1000000000000000000000', '100000000000000000000', '4294967295', '4294967296',
  '3.141592653589793238462643383279502884197', '2.718281828459045', '0.1000000000000000055511151231257827',
  '1.00000000000000011102230246251565404236316680908203125',
  '1.000000000000000111022302462515654042363166809082031250000000000001',
  '0.000000000000000000000000000000000000000000001', '1' + '0'.repeat(300), '0.' + '0'.repeat(320) + '1',
  '8.41e21', '5e-7', '123e-20', '1.25e-7', '7.0E-10', '2.5', '3.5', '1e-323', '9.5e-323',
].forEach(t => add('number ' + t.slice(0, 40), t));

add('floats in an object', '{"whole":2.0,"half":0.5,"big":1.5e300,"tiny":1e-7,"exp":1E21,"neg":-0.0}');
add('numbers in an array', '[1.0, 2.50, -3e0, 4E-1, 1e21, 1e-7, 5e-324, 1e400, -0]');

// --- strings -------------------------------------------------------------------------------------------------
[
  ['empty', '""'], ['ascii', '"hello"'], ['slash', '"a/b\\/c"'],
  ['quote and backslash', '"\\"\\\\"'],
  ['short escapes', '"\\b\\f\\n\\r\\t"'],
  ['all control chars', '"' + Array.from({ length: 32 }, (_, i) => '\\u' + i.toString(16).padStart(4, '0')).join('') + '"'],
  ['uppercase escapes in input', '"\\u001F\\u000B\\u00E9\\u00FF"'],
  ['del and c1', '"\\u007f\\u0080\\u009f\\u00a0"'],
  ['line and paragraph separators', '"\\u2028\\u2029 \u2028\u2029"'],
  ['non-ascii literal', '"ünïcode ✓ € 日本語"'],
  ['non-ascii escaped', '"\\u00fcn\\u00efcode \\u2713"'],
  ['emoji literal', '"😀👍🏽🇫🇷"'],
  ['emoji escaped pair', '"\\ud83d\\ude00"'],
  ['emoji escaped uppercase', '"\\uD83D\\uDE00"'],
  ['lone high surrogate', '"\\ud800"'],
  ['lone low surrogate', '"\\udc00x"'],
  ['lone surrogates uppercase', '"a\\uDBFFb\\uDFFFc"'],
  ['reversed pair', '"\\ude00\\ud83d"'],
  ['two highs then low', '"\\ud83d\\ud83d\\ude00"'],
  ['high at end after pair', '"\\ud83d\\ude00\\ud83d"'],
  ['bom and nonchars', '"\\ufeff\\ufffe\\uffff"'],
  ['nul in middle', '"a\\u0000b"'],
  ['html chars', '"<script>&amp;\'</script>"'],
].forEach(([n, t]) => add('string ' + n, t));

// --- object keys ---------------------------------------------------------------------------------------------
[
  ['integer-like keys', '{"x":1,"10":"a","2":"b"}'],
  ['leading zero key', '{"01":1,"1":2,"0":3,"00":4}'],
  ['index limit', '{"4294967295":1,"4294967294":2,"4294967296":3,"0":4}'],
  ['index limit reversed', '{"4294967296":1,"4294967295":2,"4294967294":3,"5":4}'],
  ['negative and fraction', '{"-1":1,"1.5":2,"b":3,"a":4,"1":5}'],
  ['number-ish keys', '{"-0":1,"+1":2," 1":3,"1 ":4,"1e3":5,"0x1":6,"١":7,"":8}'],
  ['long digit keys', '{"99999999999":1,"42949672950":2,"12345678901234567890":3,"7":4}'],
  ['proto key', '{"__proto__":{"polluted":true},"constructor":1,"toString":2}'],
  ['duplicate key', '{"a":1,"b":2,"a":3}'],
  ['duplicate index key', '{"b":0,"1":1,"a":0,"1":2}'],
  ['duplicate nested', '{"m":{"x":1},"n":2,"m":{"y":2}}'],
  ['escaped keys', '{"\\u0001":1,"\\u00e9":2,"\\ud800":3,"\\"":4,"\\u0031":5}'],
  ['unicode keys', '{"ключ":1,"😀":2,"é":3}'],
  ['nested objects sorted at each level', '{"z":{"3":"c","1":"a","k":{"20":1,"y":2,"2":3}},"5":[{"9":0,"x":1,"0":2}]}'],
].forEach(([n, t]) => add('keys ' + n, t));

// --- structure -----------------------------------------------------------------------------------------------
[
  ['empty object', '{}'], ['empty array', '[]'], ['literals', '[true,false,null]'],
  ['whitespace', ' { "a" : [ 1 , 2 ] ,\n\t"b" :\r\n{ } } '],
  ['nested arrays', '[[1,[2.0,[3e-7,[[]]]]],[],[[[[null]]]]]'],
  ['array of objects', '[{"b":1,"a":2},{"1":true,"0":false}]'],
  ['mixed metadata', '{"orderId":42,"note":"ünïcode ✓","nested":{"a":[1,2]},"price":19.90,"qty":3.0,"ids":[9007199254740993,1e21],"flags":{"ok":true,"no":false,"none":null}}'],
  ['deep', '{"a":{"b":{"c":{"d":{"e":{"f":[{"g":1.10}]}}}}}}'],
].forEach(([n, t]) => add('structure ' + n, t));

const vectors = texts.map(({ name, text }) => ({ name, input: text, expected: JSON.stringify(JSON.parse(text)) }));

// --- random doubles: formatting (bits) and parsing (text at a random precision) ------------------------------
let state = 0x9E3779B97F4A7C15n;
const MASK = (1n << 64n) - 1n;
function next() { // xorshift64*
  state ^= state >> 12n; state ^= (state << 25n) & MASK; state ^= state >> 27n;
  return (state * 0x2545F4914F6CDD1Dn) & MASK;
}
const buf = new DataView(new ArrayBuffer(8));
const bitsOf = x => { buf.setFloat64(0, x); return buf.getBigUint64(0).toString(16).padStart(16, '0'); };
const fromBits = b => { buf.setBigUint64(0, b); return buf.getFloat64(0); };
const numbers = [];
function addNumber(x, digits) {
  if (!Number.isFinite(x)) return;
  // a JSON text for x: toPrecision(1..21) may name a neighbour of x, which is the point (parsing is checked too)
  const text = digits ? x.toPrecision(digits) : String(x);
  const parsed = JSON.parse(text);
  numbers.push([bitsOf(x), JSON.stringify(x), text, JSON.stringify(parsed)]);
}
for (let i = 0; i < 800; i++) { // any bit pattern: every exponent, subnormals
  addNumber(fromBits(next()), 1 + Number(next() % 21n));
}
for (let i = 0; i < 600; i++) { // everyday magnitudes: 1e-9 .. 1e22, few to many digits
  const m = Number(next() >> 11n) / 2 ** 53;
  const e = Number(next() % 32n) - 9;
  const x = (next() & 1n ? -1 : 1) * m * 10 ** e;
  addNumber(x, 1 + Number(next() % 21n));
}
for (let i = 0; i < 150; i++) { // sums like 0.1 + 0.2
  const a = Number(next() % 1000n) / 10, b = Number(next() % 1000n) / 100;
  addNumber(a + b, 0); addNumber(a * b, 0);
}
for (let e = -1074; e <= 1023; e += 5) { // powers of two: the asymmetric gap below them
  addNumber(2 ** e, 0);
}
for (let e = -323; e <= 308; e++) { // powers of ten and their neighbours
  const x = Number('1e' + e);
  addNumber(x, 0);
  if (e % 3 !== 0) continue;
  addNumber(fromBits(BigInt('0x' + bitsOf(x)) + 1n), 0);
  if (x > Number.MIN_VALUE) addNumber(fromBits(BigInt('0x' + bitsOf(x)) - 1n), 0);
}
for (let i = 0; i < 200; i++) { // integers up to 2^64 (beyond 2^53 they round)
  const n = next() >> BigInt(next() % 60n);
  const x = Number(n);
  numbers.push([bitsOf(x), JSON.stringify(x), n.toString(), JSON.stringify(JSON.parse(n.toString()))]);
}

// one vector / number per line, so a regenerated file diffs readably
const lines = [
  '{"generatedBy":"src/test/node/seed002/make-vectors.js","node":' + JSON.stringify(process.version) + ',',
  '"note":' + JSON.stringify('vectors: expected = JSON.stringify(JSON.parse(input)); numbers: [IEEE bits (hex), '
    + 'JSON.stringify(that double), a JSON text near it, JSON.stringify(JSON.parse(text))]') + ',',
  '"vectors":[',
  vectors.map(v => JSON.stringify(v)).join(',\n'),
  '],',
  '"numbers":[',
  numbers.map(n => JSON.stringify(n)).join(',\n'),
  ']}',
];
const file = path.join(__dirname, '..', '..', 'resources', 'ecma-json-vectors.json');
fs.writeFileSync(file, lines.join('\n') + '\n');
console.log(`wrote ${vectors.length} vectors and ${numbers.length} numbers to ${path.relative(process.cwd(), file)}`);
