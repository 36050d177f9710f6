#!/usr/bin/env node
// Standalone check of the harness, without Keycloak: serves the PEM of target/seed002-signed-webhooks.json (written by
// EcmaJsonTest#writesSignedBodiesForTheNodeHarness: webhook bodies as EcmaJson and as Jackson write them, signed by
// WebhookKeys.sign with a fresh P-256 key) from a local HTTP server, starts server.js (express.json() + the seed-002
// middleware) pointed at it, posts every body with its x-signature, and counts what the middleware accepted.
//
//   mvn -o -q test -Dtest=EcmaJsonTest && (cd src/test/node/seed002 && npm ci && node check-standalone.js)
//
// Exits 1 unless every EcmaJson body is accepted, a tampered one is refused, and Jackson's bytes for {"whole":2.0}
// and for integer-like keys are refused (the bug EcmaJson fixes).
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { spawn } = require('child_process');

const file = process.argv[2] || path.join(__dirname, '..', '..', '..', '..', 'target', 'seed002-signed-webhooks.json');
const signed = JSON.parse(fs.readFileSync(file, 'utf8'));

function listen(server) {
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

async function main() {
  const keyServer = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/x-pem-file' });
    res.end(signed.pem);
  });
  const keyPort = await listen(keyServer);
  const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), '0'], {
    env: { ...process.env, WEBHOOK_KEY_URL: `http://127.0.0.1:${keyPort}/realms/x/token-login/webhook-key` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', d => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', code => reject(new Error('server.js exited ' + code)));
  });
  try {
    const posts = signed.webhooks.map((w, i) => ({ ...w, id: 'w' + i, bytes: Buffer.from(w.body, 'base64') }));
    const ecma = posts.find(p => p.writer === 'EcmaJson');
    const tampered = Buffer.from(ecma.bytes);
    tampered[tampered.indexOf('valid') + 1] ^= 0x20; // "vAlid": still JSON, not what was signed
    posts.push({ ...ecma, id: 'tampered', writer: 'tampered', bytes: tampered });
    for (const p of posts) {
      await fetch(base + '/webhook', {
        method: 'POST', body: p.bytes,
        headers: { 'Content-Type': 'application/json', 'x-signature': p.signature, 'x-webhook-id': p.id },
      });
    }
    const results = await (await fetch(base + '/results')).json();
    const status = new Map(results.map(r => [r.webhookId, r.status]));
    const tally = {};
    for (const p of posts) {
      const t = tally[p.writer] || (tally[p.writer] = { accepted: 0, rejected: 0, other: 0 });
      const s = status.get(p.id);
      if (s === 200) t.accepted++; else if (s === 403) t.rejected++; else t.other++;
      p.status = s;
    }
    console.log('node', process.version, 'express', require('express/package.json').version,
      'axios', require('axios/package.json').version);
    console.table(tally);
    const refusedJackson = posts.filter(p => p.writer === 'Jackson' && p.status !== 200);
    console.log(`Jackson bodies refused by the seed-002 middleware (${refusedJackson.length}):`);
    for (const p of refusedJackson) console.log('  ', p.status, p.metadata);
    const badEcma = posts.filter(p => p.writer === 'EcmaJson' && p.status !== 200);
    for (const p of badEcma) console.log('EcmaJson body NOT accepted:', p.status, p.metadata);
    const mustRefuse = ['{"whole":2.0}', '{"x":1,"10":"a","2":"b"}'];
    const ok = badEcma.length === 0 && status.get('tampered') === 403
      && mustRefuse.every(m => posts.some(p => p.writer === 'Jackson' && p.metadata === m && p.status === 403));
    console.log(ok ? 'OK' : 'FAILED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    child.kill('SIGTERM');
    keyServer.close();
  }
}
main().catch(e => { console.error(e); process.exit(1); });
