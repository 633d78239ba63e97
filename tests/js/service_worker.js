// Runs static/js/sw.js (as /sw.js serves it) in a Node sandbox with a fake network and a fake
// Cache Storage, plays a learner's visit online and offline, and prints what happened as JSON
// for tests/test_pwa.py. The worker's own code decides everything; only the browser is faked.
'use strict';
const fs = require('fs');
const vm = require('vm');

const SCOPE = 'https://onetouch.example/';
const source = fs.readFileSync(0, 'utf8');

// Cache Storage, keyed by URL, in insertion order.
const stores = new Map();
function store(name) {
  if (!stores.has(name)) {
    const entries = new Map();
    stores.set(name, {
      entries,
      put: async (request, response) => { entries.delete(url(request)); entries.set(url(request), response); },
      match: async (request) => entries.get(url(request)),
      keys: async () => [...entries.keys()].map((key) => ({url: key})),
      delete: async (request) => entries.delete(url(request)),
      addAll: async (urls) => { for (const each of urls) entries.set(each, await network(get(each))); },
    });
  }
  return stores.get(name);
}
function url(request) { return typeof request === 'string' ? request : request.url; }
const caches = {
  open: async (name) => store(name),
  keys: async () => [...stores.keys()],
  delete: async (name) => stores.delete(name),
  match: async (request, options) => {
    const names = options && options.cacheName ? [options.cacheName] : [...stores.keys()];
    for (const name of names) {
      const hit = stores.has(name) && stores.get(name).entries.get(url(request));
      if (hit) return hit.clone();
    }
    return undefined;
  },
};

// The network: online it answers "<method> <path>", offline it fails like fetch does.
let online = true;
const sent = [];
function response(body, status) {
  const made = new Response(body, {status, headers: {'Content-Type': 'text/html'}});
  Object.defineProperty(made, 'type', {value: 'basic'});
  return made;
}
async function network(request) {
  sent.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
  if (!online) throw new TypeError('Failed to fetch');
  return response(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`, 200);
}
function get(path, mode) { return {url: new URL(path, SCOPE).href, method: 'GET', mode: mode || 'no-cors'}; }
function post(path) { return {url: new URL(path, SCOPE).href, method: 'POST', mode: 'navigate'}; }

const listeners = {};
const worker = {
  registration: {scope: SCOPE},
  addEventListener: (type, handler) => { listeners[type] = handler; },
  skipWaiting: async () => {},
  clients: {claim: async () => {}},
};
vm.runInNewContext(source, {self: worker, caches, fetch: network, URL, Response, Promise,
                            setTimeout, console});

async function lifecycle(type) {
  const pending = [];
  listeners[type]({waitUntil: (promise) => pending.push(promise)});
  await Promise.all(pending);
}

// What the page would get: the worker's answer, or the network's when it does not answer.
async function visit(request) {
  let answer = null;
  const pending = [];
  listeners.fetch({request, respondWith: (promise) => { answer = promise; },
                   waitUntil: (promise) => pending.push(promise)});
  let body;
  try {
    body = await (answer ? (await answer).text() : network(request).then((r) => r.text()));
  } catch (error) {
    body = 'browser error page';
  }
  await Promise.all(pending);
  return {answered: answer !== null, body};
}

function kept(name) { return stores.has(name) ? [...stores.get(name).entries.keys()].map((k) => new URL(k).pathname + new URL(k).search) : []; }

(async () => {
  const out = {};
  await store('onetouch-static-old');
  await lifecycle('install');
  await lifecycle('activate');
  out.caches_after_install = [...stores.keys()];
  const staticCache = out.caches_after_install.find((name) => name.startsWith('onetouch-static-'));
  out.precached = kept(staticCache);

  out.lesson_online = await visit(get('courses/mau/gioi-thieu', 'navigate'));
  out.my_learning_online = await visit(get('my/learning', 'navigate'));
  out.admin_online = await visit(get('admin/required', 'navigate'));
  out.search_online = await visit(get('search?q=otp', 'navigate'));
  out.stylesheet_online = await visit(get('static/css/site.css'));
  out.image_online = await visit(get('courses/mau/assets/images/so-do.svg?v=abc'));
  out.mark_read_online = await visit(post('courses/mau/gioi-thieu/done'));
  out.pages_kept = kept('onetouch-pages');
  out.static_kept = kept(staticCache);

  online = false;
  sent.length = 0;
  out.lesson_offline = await visit(get('courses/mau/gioi-thieu', 'navigate'));
  out.other_lesson_offline = await visit(get('courses/mau/thuc-hanh', 'navigate'));
  out.my_learning_offline = await visit(get('my/learning', 'navigate'));
  out.image_offline = await visit(get('courses/mau/assets/images/so-do.svg?v=abc'));
  out.mark_read_offline = await visit(post('courses/mau/gioi-thieu/done'));
  out.sent_offline = sent.slice();

  online = true;
  await visit(post('logout'));
  out.pages_after_logout = kept('onetouch-pages');
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
