// Live preview only: sitegen/preview.py adds this script to the pages it serves (never to a
// built site). It polls the preview's version and reloads the page once a rebuild is live.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-version") : null;
  function poll() {
    fetch("/__preview/version", { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        if (String(state.version) !== shown) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 250);
        }
      }, function () { window.setTimeout(poll, 1000); }); // the preview stopped or restarts
  }
  window.setTimeout(poll, 250);
}());
