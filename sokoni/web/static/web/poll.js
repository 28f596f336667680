/* Waiting for a payment answer: ask the page again every few seconds and show the news in place
   (the status sits in an aria-live region). Without JavaScript the "Check again" link does it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-poll]");
  if (!box || !window.fetch || !window.DOMParser) return;
  var url = box.getAttribute("data-poll");
  var left = 120; // about ten minutes: a payment request expires well before
  function tick() {
    if (left-- <= 0) return;
    fetch(url, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { window.setTimeout(tick, 5000); return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        if (fresh && !doc.querySelector("[data-poll]")) {
          document.querySelector("main").innerHTML = fresh.innerHTML; // answered: show it all
          return;
        }
        var region = doc.getElementById(box.id);
        if (region && region.innerHTML !== box.innerHTML) box.innerHTML = region.innerHTML;
        window.setTimeout(tick, 5000);
      })
      .catch(function () { window.setTimeout(tick, 5000); });
  }
  window.setTimeout(tick, 5000);
})();
