/* OneTouch: install the service worker (lessons already opened stay readable offline), and
 * when a form cannot be sent for want of a connection, say so on the page instead of losing
 * it quietly. The site works without this file. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script) return;
  var worker = script.getAttribute('data-worker');

  if (worker && 'serviceWorker' in navigator) {
    window.addEventListener('load', function () {
      navigator.serviceWorker.register(worker).catch(function () {});
    });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (navigator.onLine !== false || form.method.toLowerCase() !== 'post') return;
    event.preventDefault();
    var note = form.previousElementSibling;
    if (!note || !note.hasAttribute('data-offline-note')) {
      note = document.createElement('p');
      note.className = 'flash flash-error';
      note.setAttribute('role', 'alert');
      note.setAttribute('data-offline-note', '');
      form.parentNode.insertBefore(note, form);
    }
    note.textContent = script.getAttribute('data-unsaved');
  });

  // The offline page lists the pages that this device keeps.
  var list = document.querySelector('[data-saved-pages]');
  if (list && window.caches) {
    caches.open('onetouch-pages').then(function (cache) {
      return cache.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) {
          return cache.match(key).then(function (r) { return r.text(); }).then(function (html) {
            var title = /<title>([^<]*)<\/title>/.exec(html);
            var decode = document.createElement('textarea');
            decode.innerHTML = title ? title[1] : key.url;
            return {url: key.url, title: decode.value.replace(/ · OneTouch$/, '')};
          });
        }));
      });
    }).then(function (pages) {
      pages.forEach(function (page) {
        var link = document.createElement('a');
        link.href = page.url;
        link.textContent = page.title;
        list.appendChild(document.createElement('li')).appendChild(link);
      });
      if (pages.length) list.parentNode.hidden = false;
    });
  }
})();
