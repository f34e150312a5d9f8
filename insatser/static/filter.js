// Insatskarta: filters the rendered list as the form changes, without a
// reload (the form still works without JavaScript: it is a GET form).
// Changing the county or the map's colouring reloads, as they change the map.
(function () {
  "use strict";
  var form = document.getElementById("filter");
  var list = document.getElementById("lista");
  if (!form || !list) {
    return;
  }
  var cards = list.querySelectorAll("li.card");
  var counter = document.getElementById("antal");
  var csv = document.getElementById("csv");

  function value(name) {
    var el = form.elements.namedItem(name);
    return el ? String(el.value || "").trim() : "";
  }

  function apply() {
    var kommun = value("kommun"), anordnare = value("anordnare"), kategori = value("kategori"),
      sprak = value("sprak"), oppen = value("oppen"), q = value("q").toLowerCase();
    var shown = 0;
    for (var i = 0; i < cards.length; i++) {
      var d = cards[i].dataset;
      var ok = (!kommun || d.kommun === kommun) &&
        (!anordnare || d.anordnare === anordnare) &&
        (!kategori || d.kategori === kategori) &&
        (!sprak || (" " + d.sprak + " ").indexOf(" " + sprak + " ") >= 0) &&
        (!oppen || d.oppen === oppen) &&
        (!q || d.text.indexOf(q) >= 0);
      cards[i].hidden = !ok;
      if (ok) {
        shown++;
      }
    }
    if (counter) {
      counter.textContent = String(shown);
    }
    var params = new URLSearchParams(new FormData(form));
    var keys = Array.from(params.keys());
    keys.forEach(function (k) {
      if (!params.get(k) || (k === "lan" && params.get(k) === "0001") || (k === "farg" && params.get(k) === "oppna")) {
        params.delete(k);
      }
    });
    var qs = params.toString();
    history.replaceState(null, "", "/insatser" + (qs ? "?" + qs : ""));
    if (csv) {
      params.delete("farg");
      var cq = params.toString();
      csv.href = "/insatser.csv" + (cq ? "?" + cq : "");
    }
  }

  form.addEventListener("input", function (ev) {
    if (ev.target && ev.target.dataset && ev.target.dataset.reload) {
      return;
    }
    apply();
  });
  form.addEventListener("change", function (ev) {
    if (ev.target && ev.target.dataset && ev.target.dataset.reload) {
      if (ev.target.name === "lan") {
        var k = form.elements.namedItem("kommun");
        if (k) {
          k.value = "";
        }
      }
      form.submit();
      return;
    }
    apply();
  });
})();
