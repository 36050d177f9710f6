// A partner's webhook receiver built from seed 002: express.json(), then the seed's middleware (middleware.js),
// then a handler that answers 200 'ok'. Every POST /webhook is recorded with its final status (200 verified,
// 403 'Invalid Signature', 500 when the middleware failed, 400 when express.json() refused the body), so a test
// can read the outcome from GET /results (JSON array) or from RESULTS_FILE (one JSON line per request).
//
//   WEBHOOK_KEY_URL=http://localhost:8080/realms/magic/token-login/webhook-key PORT=3456 node server.js
//   (port also as argv[2]; 0 or none picks a free one; the actual one is printed as "listening on http://...")
//
// POST /stringify (any body, as text) answers JSON.stringify(JSON.parse(body)): what JS makes of a JSON text,
// so a test can compare the received metadata with JS's reading of what the partner sent.
'use strict';
const fs = require('fs');
const express = require('express');
const signatureVerificationMiddleware = require('./middleware');

if (!process.env.WEBHOOK_KEY_URL) {
  console.error('WEBHOOK_KEY_URL is required (the realm\'s GET .../token-login/webhook-key)');
  process.exit(2);
}
const port = Number(process.argv[2] || process.env.PORT || 0);
const host = process.env.HOST || '127.0.0.1';
const resultsFile = process.env.RESULTS_FILE;
const results = [];

function record(req, res, next) {
  res.on('finish', () => {
    const body = req.body;
    const entry = {
      status: res.statusCode,
      webhookId: req.headers['x-webhook-id'] || null,
      signatureKeyId: req.headers['x-signature-key-id'] || null,
      confirmationId: body && typeof body === 'object' ? body.confirmationId : null,
      // what the seed's middleware verified against: JSON.stringify of the parsed body
      stringified: body === undefined ? null : JSON.stringify(body),
      metadata: body && typeof body === 'object' && 'metadata' in body ? JSON.stringify(body.metadata) : null,
    };
    results.push(entry);
    if (resultsFile) {
      fs.appendFileSync(resultsFile, JSON.stringify(entry) + '\n');
    }
  });
  next();
}

const app = express();
app.post('/webhook', record, express.json(), signatureVerificationMiddleware, (req, res) => {
  res.status(200).send('ok');
});
app.get('/results', (req, res) => res.json(results));
app.post('/stringify', express.text({ type: () => true, limit: '1mb' }), (req, res) => {
  try {
    res.type('application/json').send(JSON.stringify(JSON.parse(req.body)));
  } catch (e) {
    res.status(400).send(String(e));
  }
});

const server = app.listen(port, host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
