/* OneTouch read aloud: the lesson, or a quiz's questions and options, read in Vietnamese by
 * the device's own speech synthesis (no service is called), paragraph by paragraph with the
 * current one highlighted. The controls (<template id="read-aloud-controls">) appear only
 * when a Vietnamese voice exists, else <template id="read-aloud-no-voice"> says so.
 * readingList(root) builds what is read and asks a node only for nodeType, tagName,
 * childNodes, nodeValue and getAttribute, so tests run it without a browser. */
(function () {
  'use strict';

  var UNITS = /^(P|H[1-6]|LI|DT|DD|FIGCAPTION|CAPTION|TR|PRE|LEGEND|LABEL|SUMMARY)$/;
  var BLOCKS = /^(DIV|SECTION|ARTICLE|HEADER|FOOTER|MAIN|ASIDE|UL|OL|DL|TABLE|THEAD|TBODY|TFOOT|FIGURE|FIELDSET|FORM|BLOCKQUOTE|DETAILS)$/;
  var SKIP = /^(NAV|SCRIPT|STYLE|TEMPLATE|BUTTON|SELECT|TEXTAREA|INPUT|NOSCRIPT|SVG|OPTION)$/;
  var SKIP_CLASSES = /(^|\s)(footnote-ref|footnote-backref|visually-hidden)(\s|$)/;
  var LONGEST = 220;  // characters: some engines cut a long utterance off after about 15 s

  function tag(node) { return String(node.tagName || '').toUpperCase(); }

  function skipped(node) {
    return SKIP.test(tag(node)) || node.getAttribute('hidden') !== null ||
      node.getAttribute('aria-hidden') === 'true' ||
      node.getAttribute('data-read-aloud-skip') !== null ||
      SKIP_CLASSES.test(node.getAttribute('class') || '');
  }

  function textOf(node) {
    if (node.nodeType === 3) return node.nodeValue;
    if (node.nodeType !== 1 || skipped(node)) return '';
    var name = tag(node);
    if (name === 'IMG') return node.getAttribute('alt') ? ' Hình: ' + node.getAttribute('alt') + '. ' : '';
    if (name === 'BR') return ' ';
    var parts = Array.prototype.map.call(node.childNodes, textOf);
    return name === 'TR' ? parts.map(tidy).filter(Boolean).join(', ') : parts.join('');
  }

  function tidy(text) { return text.replace(/\s+/g, ' ').trim(); }

  function holdsUnit(node) {
    return Array.prototype.some.call(node.childNodes, function (child) {
      return child.nodeType === 1 && !skipped(child) && (UNITS.test(tag(child)) || holdsUnit(child));
    });
  }

  function add(list, text, node) {
    text = tidy(text);
    if (text) list.push({text: text, node: node});
  }

  function collect(node, list) {
    if (skipped(node)) return;
    if (UNITS.test(tag(node)) && !holdsUnit(node)) { add(list, textOf(node), node); return; }
    var loose = '';  // a container's own text between its blocks: one piece of its own
    Array.prototype.forEach.call(node.childNodes, function (child) {
      if (child.nodeType === 1 && !skipped(child) &&
          (UNITS.test(tag(child)) || BLOCKS.test(tag(child)) || holdsUnit(child))) {
        add(list, loose, node);
        loose = '';
        collect(child, list);
      } else {
        loose += textOf(child);
      }
    });
    add(list, loose, node);
  }

  /* The texts to read inside root, in order: [{text, node}]. */
  function readingList(root) {
    var list = [];
    collect(root, list);
    return list;
  }

  /* A text cut at sentence ends into pieces of at most about LONGEST characters. */
  function pieces(text) {
    var out = [];
    (text.match(/.*?[.!?;:…]+(?:\s+|$)|.+$/g) || []).forEach(function (sentence) {
      sentence = sentence.trim();
      var last = out.length - 1;
      if (last >= 0 && out[last].length + sentence.length < LONGEST) out[last] += ' ' + sentence;
      else out.push(sentence);
    });
    return out;
  }

  /* The best Vietnamese voice among the device's, or null. */
  function pickVoice(voices) {
    var vietnamese = Array.prototype.filter.call(voices || [], function (voice) {
      return /^vi([-_]|$)/i.test(voice.lang || '');
    });
    return vietnamese.filter(function (v) { return /^vi[-_]VN$/i.test(v.lang); })[0] ||
      vietnamese[0] || null;
  }

  var api = {readingList: readingList, pieces: pieces, pickVoice: pickVoice,
             texts: function (root) { return readingList(root).map(function (i) { return i.text; }); }};
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  window.OneTouchReadAloud = api;

  function findVoice(synth, done) {
    var settled = false;
    function settle(voice) { if (!settled) { settled = true; done(voice); } }
    function look() { var voice = pickVoice(synth.getVoices()); if (voice) settle(voice); }
    look();
    if (settled) return;
    if (synth.addEventListener) synth.addEventListener('voiceschanged', look);
    setTimeout(function () { settle(pickVoice(synth.getVoices())); }, 3000);
  }

  function remembered(value) {  // the speed, per device; storage may be refused
    try {
      if (value) localStorage.setItem('onetouch-read-rate', value);
      return localStorage.getItem('onetouch-read-rate');
    } catch (error) { return value; }
  }

  function place(id) {
    var template = document.getElementById(id);
    var part = template.content.firstElementChild.cloneNode(true);
    template.parentNode.insertBefore(part, template);
    return part;
  }

  function player(root, voice, synth) {
    var bar = place('read-aloud-controls');
    var items = readingList(root);
    var index = 0, piece = 0, current = null, shown = null;
    var rate = parseFloat(remembered()) || 1;
    var button = function (action) { return bar.querySelector('[data-action="' + action + '"]'); };
    var toggle = button('play'), select = button('rate');
    select.value = String(rate);

    function highlight(node) {
      if (shown) shown.classList.remove('reading-now');
      shown = node;
      if (!node) return;
      node.classList.add('reading-now');
      node.scrollIntoView({block: 'nearest'});
    }

    function speak(at, part) {
      current = null;
      synth.cancel();
      if (at < 0) at = 0;
      if (at >= items.length) { stop(); return; }
      index = at;
      piece = part || 0;
      highlight(items[at].node);
      var texts = pieces(items[at].text);
      var utterance = new SpeechSynthesisUtterance(texts[piece]);
      utterance.lang = 'vi-VN';
      utterance.voice = voice;
      utterance.rate = rate;
      utterance.onend = function () {
        if (current !== utterance) return;  // cancelled: paused, stopped or moved on
        if (piece + 1 < texts.length) speak(index, piece + 1); else speak(index + 1);
      };
      current = utterance;
      synth.speak(utterance);
      state('reading');
    }

    function state(name) {
      bar.setAttribute('data-state', name);
      toggle.textContent = toggle.getAttribute('data-label-' + name);
      ['previous', 'next', 'stop'].forEach(function (action) {
        button(action).hidden = name === 'idle';
      });
    }

    function pause() { current = null; synth.cancel(); state('paused'); }
    function stop() { current = null; synth.cancel(); index = piece = 0; highlight(null); state('idle'); }

    toggle.addEventListener('click', function () {
      if (bar.getAttribute('data-state') === 'reading') pause(); else speak(index, piece);
    });
    button('previous').addEventListener('click', function () { speak(index - 1); });
    button('next').addEventListener('click', function () { speak(index + 1); });
    button('stop').addEventListener('click', stop);
    select.addEventListener('change', function () {
      rate = parseFloat(select.value) || 1;
      remembered(String(rate));
      if (bar.getAttribute('data-state') === 'reading') speak(index, piece);
    });
    window.addEventListener('pagehide', function () { current = null; synth.cancel(); });
    state('idle');
  }

  function start() {
    var root = document.querySelector('[data-read-aloud]');
    if (!root || !document.getElementById('read-aloud-controls')) return;
    var synth = window.speechSynthesis;
    if (!synth || typeof SpeechSynthesisUtterance === 'undefined') { place('read-aloud-no-voice'); return; }
    findVoice(synth, function (voice) {
      if (voice) player(root, voice, synth); else place('read-aloud-no-voice');
    });
  }

  start();
})();
