// Progressive enhancement: choosing a province refills the commune list at once, and typing
// in the commune search narrows it, accents optional ("hoan kiem" finds "Hoàn Kiếm").
// Without JavaScript the form has a button that does both through the server.
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d").toLowerCase();
  }
  function matches(name, query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    var folded = fold(name);
    return words.every(function (word) { return folded.indexOf(word) !== -1; });
  }
  document.querySelectorAll("form[data-communes]").forEach(function (form) {
    var province = form.querySelector("select[name=province_code]");
    var commune = form.querySelector("select[name=commune_code]");
    var search = form.querySelector("input[name=commune_search]");
    if (!province || !commune || !window.fetch) return;
    form.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });
    var first = commune.options[0];
    var every = Array.prototype.slice.call(commune.options, 1).map(function (o) {
      return { code: o.value, name: o.text };
    });
    function show() {
      var chosen = commune.value, query = search ? search.value : "";
      var shown = every.filter(function (c) { return !query || matches(c.name, query) || c.code === chosen; });
      commune.innerHTML = "";
      commune.appendChild(first);
      shown.forEach(function (c) { commune.appendChild(new Option(c.name, c.code, false, c.code === chosen)); });
      if (query && shown.length === 1) commune.value = shown[0].code;
    }
    if (search) search.addEventListener("input", show);
    province.addEventListener("change", function () {
      var url = form.dataset.communes.replace("__", encodeURIComponent(province.value));
      commune.disabled = true;
      fetch(url).then(function (r) { return r.ok ? r.json() : { communes: [] }; }).then(function (data) {
        every = data.communes;
        show();
        commune.disabled = false;
      });
    });
  });
})();
