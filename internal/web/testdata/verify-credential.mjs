// An independent verifier of acquis credentials, written against the
// npm package jose (vendored in ./jose), run by TestCredentialIndependentVerifier
// with the machine's Node:
//
//   node verify-credential.mjs TOKEN_FILE JWKS_URL [BASE_URL SERVER_URL]
//
// It fetches the published JWKS, checks the JWT's signature (EdDSA),
// its type (vc+jwt) and that it is an Open Badges credential, then asks
// the credential's status address. BASE_URL is rewritten to SERVER_URL
// (the test server does not answer at the configured public address).
// It prints VALID, INVALID <reason> or REVOKED, and exits 0, 2 or 3.
import { readFileSync } from "node:fs";
import { createRemoteJWKSet, jwtVerify } from "./jose/index.js";

const [tokenFile, jwksURL, base, server] = process.argv.slice(2);
const local = (u) => (base && u.startsWith(base) ? server + u.slice(base.length) : u);
const token = readFileSync(tokenFile, "utf8").trim();

let payload, protectedHeader;
try {
  ({ payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(jwksURL)), {
    typ: "vc+jwt",
    algorithms: ["EdDSA"],
  }));
} catch (e) {
  console.log("INVALID " + (e.code || e.message));
  process.exit(2);
}
const types = payload.type || [];
if (!types.includes("VerifiableCredential") || !types.includes("OpenBadgeCredential")) {
  console.log("INVALID not an Open Badges credential");
  process.exit(2);
}
if (!payload["@context"] || payload["@context"][0] !== "https://www.w3.org/ns/credentials/v2") {
  console.log("INVALID not a VC 2.0 credential");
  process.exit(2);
}
if (!protectedHeader.kid) {
  console.log("INVALID no kid");
  process.exit(2);
}
const res = await fetch(local(payload.credentialStatus.id));
if (!res.ok) {
  console.log("INVALID status " + res.status);
  process.exit(2);
}
const status = await res.json();
if (status.revoked || status.status === "retire") {
  console.log("REVOKED " + status.withdrawn_on);
  process.exit(3);
}
console.log("VALID " + status.status + " " + payload.credentialSubject.achievement.name + " kid=" + protectedHeader.kid);
