/* OneTouch service worker: lessons already opened stay readable without a connection.
 *
 * - Static files (styles, scripts, icons, course images) are served from the cache once seen:
 *   their cache is named after the version of the static folder, so a new release brings a
 *   new worker that drops the old files.
 * - Lesson, course and catalogue pages come from the network first, because they carry the
 *   learner's progress and forms, and fall back to the copy kept on this device when there is
 *   no connection, or when the network has not answered within WAIT_MS.
 * - Nothing else is kept: not My learning, certificates, quizzes, admin pages, search, nor any
 *   answer to a POST. Logging in or out empties the kept pages (a shared phone).
 * - A form sent without a connection is answered with the offline page saying that nothing
 *   was saved: progress made offline is never silently lost.
 */
'use strict';

var VERSION = '__STATIC_VERSION__';
var STATIC_CACHE = 'onetouch-static-' + VERSION;
var PAGES_CACHE = 'onetouch-pages';
var MAX_PAGES = 200;
var WAIT_MS = 5000;
var OFFLINE = 'offline';
var UNSAVED = 'offline?unsaved=1';
var PRECACHE = [OFFLINE, UNSAVED, 'static/css/site.css', 'static/js/pwa.js', 'favicon.ico'];

var STATIC_PATHS = [/^static\//, /^courses\/[^/]+\/assets\//, /^favicon\.ico$/];
var PAGE_PATHS = [/^$/, /^courses$/, /^courses\/[^/]+$/, /^courses\/[^/]+\/[^/.]+$/];
// Beside the lessons, a course's own page that is the learner's: asking whether to leave it.
var NEVER_PATHS = [/^courses\/[^/]+\/leave$/];
var ACCOUNT_CHANGES = [/^login$/, /^logout$/];

function matches(patterns, path) {
  return patterns.some(function (pattern) { return pattern.test(path); });
}

/* What the worker does with a GET of `path` (relative to its scope, without a leading slash)
 * and `search` (the query, '' or '?...'): 'static', 'page' or null (the network alone). */
function kindOf(path, search) {
  if (matches(STATIC_PATHS, path)) return 'static';
  if (matches(NEVER_PATHS, path)) return null;
  if (matches(PAGE_PATHS, path) && (search === '' || path === 'courses')) return 'page';
  return null;
}

function accountChange(path) {
  return matches(ACCOUNT_CHANGES, path);
}

if (typeof module === 'object' && module.exports) {
  module.exports = {kindOf: kindOf, accountChange: accountChange, PAGES_CACHE: PAGES_CACHE,
                    PRECACHE: PRECACHE};
} else {
  install(self);
}

function install(worker) {
  var scope = new URL(worker.registration.scope);

  function relative(url) {
    return url.pathname.indexOf(scope.pathname) === 0
      ? url.pathname.slice(scope.pathname.length) : null;
  }

  function offlinePage(which) {
    return caches.match(new URL(which, scope).href, {cacheName: STATIC_CACHE})
      .then(function (page) {
        return page || new Response('Offline', {status: 503, headers: {'Content-Type': 'text/plain'}});
      });
  }

  function keep(cacheName, request, response) {
    if (!response.ok || response.type !== 'basic' ||
        /no-store/.test(response.headers.get('Cache-Control') || '')) return Promise.resolve();
    var copy = response.clone();
    return caches.open(cacheName).then(function (cache) {
      return cache.put(request, copy).then(function () {
        return cacheName === PAGES_CACHE ? trim(cache) : null;
      });
    });
  }

  function trim(cache) {
    return cache.keys().then(function (keys) {  // oldest first
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES))
        .map(function (key) { return cache.delete(key); }));
    });
  }

  function cacheFirst(event) {
    return caches.match(event.request, {cacheName: STATIC_CACHE}).then(function (hit) {
      return hit || fetch(event.request).then(function (response) {
        event.waitUntil(keep(STATIC_CACHE, event.request, response));
        return response;
      });
    });
  }

  function networkFirst(event) {
    var network = fetch(event.request);
    event.waitUntil(network.then(function (response) {
      return keep(PAGES_CACHE, event.request, response);
    }).catch(function () {}));
    return caches.match(event.request, {cacheName: PAGES_CACHE, ignoreVary: true})
      .then(function (kept) {
        if (!kept) return network.catch(function () { return offlinePage(OFFLINE); });
        var late = new Promise(function (resolve) { setTimeout(resolve, WAIT_MS, kept); });
        var answered = network.then(function (response) {
          return response.status >= 500 ? kept : response;  // the server is down: the copy
        }, function () { return kept; });
        return Promise.race([answered, late]);
      });
  }

  function send(event, path) {
    var sent = fetch(event.request);
    if (accountChange(path)) {
      event.waitUntil(sent.then(function () { return caches.delete(PAGES_CACHE); },
                                function () {}));
    }
    return sent.catch(function () { return offlinePage(UNSAVED); });
  }

  worker.addEventListener('install', function (event) {
    event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
      return cache.addAll(PRECACHE.map(function (path) { return new URL(path, scope).href; }));
    }).then(function () { return worker.skipWaiting(); }));
  });

  worker.addEventListener('activate', function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf('onetouch-static-') === 0 && name !== STATIC_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return worker.clients.claim(); }));
  });

  worker.addEventListener('fetch', function (event) {
    var url = new URL(event.request.url);
    var path = relative(url);
    if (url.origin !== scope.origin || path === null) return;
    if (event.request.method !== 'GET') {
      // Never kept; when it cannot be sent, the learner is told that it was not saved.
      if (event.request.mode === 'navigate') event.respondWith(send(event, path));
      return;
    }
    var kind = kindOf(path, url.search);
    if (kind === 'static') event.respondWith(cacheFirst(event));
    else if (kind === 'page') event.respondWith(networkFirst(event));
    else if (event.request.mode === 'navigate') {
      event.respondWith(fetch(event.request).catch(function () { return offlinePage(OFFLINE); }));
    }
  });
}
