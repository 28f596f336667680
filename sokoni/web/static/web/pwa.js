/* The offline app (docs/offline.md): register the service worker, and keep the forms marked
   data-queue (add to cart, send a message) that are sent while offline in IndexedDB, to send
   them when the link returns. Each queued form gets a new request_key, so the server acts on
   it once however often it arrives. Loaded with defer; without JavaScript or a service worker
   the forms post as usual. */
(function () {
  "use strict";
  var sw = navigator.serviceWorker;
  if (!sw || !window.indexedDB || !window.fetch || !window.FormData) return;
  // After the page has loaded, so that the worker's downloads never delay the page's own.
  window.addEventListener("load", function () { sw.register("/sw.js").catch(function () {}); });

  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("sokoni", 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore("queue", {keyPath: "id", autoIncrement: true});
      };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var db = open.result, tx = db.transaction("queue", mode), out = work(tx.objectStore("queue"));
        tx.oncomplete = function () { db.close(); resolve(out && out.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  var sending = false;
  // Send the queue in order; stop at the first network failure and try again later.
  function flush() {
    if (sending || navigator.onLine === false) return Promise.resolve();
    sending = true;
    return store("readonly", function (queue) { return queue.getAll(); }).then(function (items) {
      return (items || []).reduce(function (previous, item) {
        return previous.then(function () { return send(item); });
      }, Promise.resolve());
    }).catch(function () {}).then(function () { sending = false; });
  }

  function send(item) {
    var body = new FormData();
    item.fields.forEach(function (field) { body.append(field[0], field[1]); });
    return fetch(item.url, {method: "POST", body: body, credentials: "same-origin", redirect: "manual"})
      .then(function (response) {
        // Done (a redirect), or refused for good (a 4xx other than "too many"): drop it.
        var status = response.status;
        if (response.type !== "opaqueredirect" && status !== 200 && !(status >= 400 && status < 500 && status !== 429)) {
          throw new Error("later");
        }
        return store("readwrite", function (queue) { return queue.delete(item.id); });
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-queue") || !sw.controller) return;
    var key = newKey();
    if (navigator.onLine !== false) {
      // Online: post as usual, with a key so that a resent post (a retry) acts once.
      var field = form.querySelector("input[name=request_key]") || form.appendChild(document.createElement("input"));
      field.type = "hidden";
      field.name = "request_key";
      field.value = key;
      return;
    }
    event.preventDefault();
    var data = new FormData(form);
    data.set("request_key", key);
    var fields = [];
    data.forEach(function (value, name) {
      if (typeof value === "string" || value.size) fields.push([name, value]);
    });
    store("readwrite", function (queue) {
      return queue.add({url: form.action, fields: fields, at: Date.now()});
    }).then(function () {
      var note = form.querySelector("[data-queued]");
      if (note) note.hidden = false;
    });
  });

  window.addEventListener("online", flush);
  flush();
})();
