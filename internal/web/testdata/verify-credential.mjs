// An independent verifier of acquis credentials, written against the
// npm package jose (vendored in ./jose), run by TestCredentialIndependentVerifier
// with the machine's Node:
//
//   node verify-credential.mjs TOKEN_FILE JWKS_URL [BASE_URL SERVER_URL]
//
// It fetches the published JWKS, checks the JWT's signature (EdDSA),
// its type (vc+jwt) and that it is an Open Badges credential, then reads
// its status from the signed Bitstring Status List and from the status
// check, which must agree. BASE_URL is rewritten to SERVER_URL
// (the test server does not answer at the configured public address).
// It prints VALID, INVALID <reason> or REVOKED, and exits 0, 2 or 3.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { createRemoteJWKSet, jwtVerify } from "./jose/index.js";

const [tokenFile, jwksURL, base, server] = process.argv.slice(2);
const local = (u) => (base && u.startsWith(base) ? server + u.slice(base.length) : u);
const token = readFileSync(tokenFile, "utf8").trim();

const jwks = createRemoteJWKSet(new URL(jwksURL));
let payload, protectedHeader;
try {
  ({ payload, protectedHeader } = await jwtVerify(token, jwks, {
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
// The status, two ways that must agree: the W3C Bitstring Status List
// (a credential itself, signed with the same keys) and the plain status
// check.
const entries = [].concat(payload.credentialStatus || []);
const entry = entries.find((e) => e.type === "BitstringStatusListEntry");
const check = entries.find((e) => e.type === "AcquisStatusCheck");
if (!entry || !check) {
  console.log("INVALID no status entry");
  process.exit(2);
}
const listRes = await fetch(local(entry.statusListCredential));
let list;
try {
  ({ payload: list } = await jwtVerify((await listRes.text()).trim(), jwks, { typ: "vc+jwt", algorithms: ["EdDSA"] }));
} catch (e) {
  console.log("INVALID status list " + (e.code || e.message));
  process.exit(2);
}
if (list.issuer.id !== payload.issuer.id || list.credentialSubject.statusPurpose !== entry.statusPurpose) {
  console.log("INVALID status list of another issuer or purpose");
  process.exit(2);
}
const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), "base64url"));
const index = Number(entry.statusListIndex);
const listed = (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
const res = await fetch(local(check.id));
if (!res.ok) {
  console.log("INVALID status " + res.status);
  process.exit(2);
}
const status = await res.json();
const revoked = status.revoked || status.status === "retire";
if (listed !== revoked) {
  console.log("INVALID the status list and the status check disagree");
  process.exit(2);
}
if (revoked) {
  console.log("REVOKED " + status.withdrawn_on + " (bit " + index + ")");
  process.exit(3);
}
console.log("VALID " + status.status + " " + payload.credentialSubject.achievement.name + " kid=" + protectedHeader.kid + " bit=" + index);
