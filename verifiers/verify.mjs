// An external verifier for OneTouch's credentials: Digital Bazaar's VC libraries, which this
// project did not write, with a static document loader (no network).
//
// stdin:  {"credential": {...}, "documents": {"<url>": {...}, ...}}
// stdout: {"verified": bool, "proofs": [{"cryptosuite", "verified", "errors"}], "errors": [...],
//          "revoked": bool | null, "status": {...} | null}
//
// "verified" is stricter than vc.verifyCredential, which is content with one good proof of a
// proof set: here every proof must verify, and the status list too when there is one.
// "revoked" is null when the credential has no revocation entry.
import {readFileSync} from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as rdfc} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {createVerifyCryptosuite as jcs} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

import {staticLoader} from './loader.mjs';

// Every message of an error and of the errors it wraps; a JSON-LD safe-mode error names the
// term it dropped, which is what one needs to know to fix a context.
function messages(error) {
  if(!error) {
    return [];
  }
  if(Array.isArray(error)) {
    return error.flatMap(messages);
  }
  const event = error.details?.event;
  const own = event ? `${error.message} ${event.message} ${JSON.stringify(event.details)}` :
    (error.message || String(error));
  return [own, ...[error.errors, error.cause, error.details?.cause].flatMap(messages)];
}

function proofResults(credential, result) {
  const proofs = [credential.proof ?? []].flat();
  return proofs.map(proof => {
    const cryptosuite = proof.cryptosuite ?? null;
    const checked = (result.results ?? []).find(
      each => each.proof && each.proof.proofValue === proof.proofValue);
    if(!checked) {
      return {cryptosuite, verified: false, errors: [
        'proof not checked: no suite matched it, or verification stopped before it']};
    }
    const purposes = [checked.purposeResult ?? []].flat();
    return {cryptosuite, verified: checked.verified === true,
      errors: [...new Set([...messages(checked.error),
        ...purposes.flatMap(p => messages(p.error))])]};
  });
}

function statusOf(result) {
  const status = result.statusResult;
  if(!status) {
    return null;
  }
  const entries = (status.results ?? []).map(each => ({
    statusPurpose: each.credentialStatus.statusPurpose,
    statusListIndex: each.credentialStatus.statusListIndex,
    statusListCredential: each.credentialStatus.statusListCredential,
    status: each.status
  }));
  return {verified: status.verified === true, entries, errors: messages(status.error)};
}

function revokedFrom(status) {
  const revocation = (status?.entries ?? []).filter(e => e.statusPurpose === 'revocation');
  return revocation.length ? revocation.some(e => e.status === true) : null;
}

async function verify({credential, documents}) {
  const documentLoader = staticLoader(documents ?? {});
  const suite = [new DataIntegrityProof({cryptosuite: rdfc}),
    new DataIntegrityProof({cryptosuite: jcs()})];
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const proofs = proofResults(credential, result);
  const status = statusOf(result);
  const verified = result.verified === true && proofs.length > 0 &&
    proofs.every(p => p.verified) && (status === null || status.verified);
  return {
    verified, proofs,
    errors: [...new Set([...messages(result.error), ...proofs.flatMap(p => p.errors),
      ...(status?.errors ?? [])])],
    revoked: revokedFrom(status), status
  };
}

try {
  const input = JSON.parse(readFileSync(0, 'utf8'));
  process.stdout.write(JSON.stringify(await verify(input)) + '\n');
} catch(error) {
  process.stderr.write(`verify.mjs: ${error.stack || error}\n`);
  process.exit(2);
}
