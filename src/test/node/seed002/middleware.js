// Seed 002 (EchoGuard "Express Middleware"), as partners copy it: VERBATIM between the BEGIN/END lines, except
//  1. the public-key URL is the realm's PEM endpoint, GET /realms/{realm}/token-login/webhook-key, from the
//     environment variable WEBHOOK_KEY_URL (the seed has 'https://static.keyri.com/keyri-echo-guard-public-key');
//  2. `return` and `response.data;` are joined on one line. The seed's text breaks the line right after `return`,
//     and JavaScript then inserts a semicolon there (ASI): fetchPublicKey would resolve to undefined and every
//     webhook would get a 500. Only whitespace changed; the tokens are the seed's.
// The module.exports line after END is ours, so server.js can use the function.
// ---- BEGIN seed 002 ----
const crypto = require('crypto');
const axios = require('axios');
 
const fetchPublicKey = async () => { const response = await
axios.get(process.env.WEBHOOK_KEY_URL); return response.data; };
 
function signatureVerificationMiddleware(req, res, next) { const
verifyDataWithECDSA = async (data, signature, publicKey) => { const verify =
crypto.createVerify('SHA256'); verify.update(data); return verify.verify( { key:
publicKey, }, signature, 'base64' ); };
 
(async () => { try { const receivedData = JSON.stringify(req.body); const
receivedSignature = req.headers['x-signature']; const publicKey = await
fetchPublicKey(); const isValidSignature = await
verifyDataWithECDSA(receivedData, receivedSignature, publicKey);
 
    if (isValidSignature) {
      next(); // Proceed to the next middleware or route handler
    } else {
      res.status(403).send('Invalid Signature');
    }
    } catch (error) {
      console.error("Error verifying signature:", error);
      res.status(500).send('Internal Server Error');
    }
 
})(); }
// ---- END seed 002 ----

module.exports = signatureVerificationMiddleware;
