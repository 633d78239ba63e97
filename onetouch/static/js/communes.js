// Progressive enhancement: choosing a province refills the commune list at once.
// Without JavaScript the form has a button that does the same through the server.
(function () {
  document.querySelectorAll("form[data-communes]").forEach(function (form) {
    var province = form.querySelector("select[name=province_code]");
    var commune = form.querySelector("select[name=commune_code]");
    if (!province || !commune || !window.fetch) return;
    form.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });
    province.addEventListener("change", function () {
      var url = form.dataset.communes.replace("__", encodeURIComponent(province.value));
      commune.disabled = true;
      fetch(url).then(function (r) { return r.ok ? r.json() : { communes: [] }; }).then(function (data) {
        var first = commune.options[0];
        commune.innerHTML = "";
        commune.appendChild(first);
        data.communes.forEach(function (c) { commune.appendChild(new Option(c.name, c.code)); });
        commune.disabled = false;
      });
    });
  });
})();
