{% autoescape off %}/* Sokoni's service worker (docs/offline.md). Plain JS, no libraries. It only enhances: every
   page and form works without it. Served by sokoni.web.views.pwa, which writes CONFIG in. */
"use strict";
var CONFIG = {{ config }};
var SHELL = "sokoni-shell-" + CONFIG.version;
var PAGES = "sokoni-pages-" + CONFIG.version;
var KEEP_PAGES = 60;
// Public pages kept for reading offline: home, a village, a shop, a product, in any language.
// Never the private areas (orders, wallet, messages, seller, agent, staff) nor any other page.
var PUBLIC = /^\/(?:[a-z]{2}(?:-[a-z]+)?\/)?(?:villages\/(?!apply\/|mine\/)[-\w]+\/|shops\/[-\w]+\/|products\/\d+\/(?:[-\w]+\/)?)?$/;
var LOGOUT = /^\/(?:[a-z]{2}(?:-[a-z]+)?\/)?accounts\/logout\/$/;

// A copy with only the headers we need: a stored body is already decoded, and a redirected
// response may not answer a navigation.
function copy(response) {
  return response.blob().then(function (body) {
    var headers = {"Content-Type": response.headers.get("Content-Type") || "text/html"};
    return new Response(body, {status: 200, headers: headers});
  });
}

function fetchInto(cache, url) {
  return fetch(url, {credentials: "same-origin", cache: "no-cache"}).then(function (response) {
    if (!response.ok) throw new Error(url + ": " + response.status);
    return copy(response).then(function (kept) { return cache.put(url, kept); });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return Promise.all(CONFIG.shell.concat([CONFIG.defaultOffline]).map(function (url) {
      return fetchInto(cache, url);
    }));
  }).then(function () { return self.skipWaiting(); }));
});

// A new version deletes every cache of the old ones, then takes over the open pages.
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("sokoni-") === 0 && name !== SHELL && name !== PAGES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function languageOf(path) {
  var match = /^\/([a-z]{2}(?:-[a-z]+)?)\//.exec(path);
  return match && CONFIG.offline[match[1]] ? match[1] : null;
}

function offlinePage(path) {
  var language = languageOf(path);
  var url = language ? CONFIG.offline[language] : CONFIG.defaultOffline;
  return caches.match(url).then(function (page) {
    return page || caches.match(CONFIG.defaultOffline);
  }).then(function (page) {
    return page || new Response("Offline", {status: 503, headers: {"Content-Type": "text/plain"}});
  });
}

// Keep a page read online, stamped with the time, unless it shows one-time messages ("Added
// to your cart"), which would be wrong on a later visit; keep the offline page of its language.
function keep(url, response) {
  var type = response.headers.get("Content-Type") || "";
  if (response.status !== 200 || response.type !== "basic" || type.indexOf("text/html") !== 0) {
    return Promise.resolve();
  }
  return Promise.all([response.text(), caches.open(PAGES)]).then(function (both) {
    var html = both[0], pages = both[1];
    if (html.indexOf('id="msgs"') !== -1) return null;
    var headers = {"Content-Type": type, "X-Sokoni-Cached-At": new Date().toISOString()};
    return pages.put(url.href, new Response(html, {headers: headers})).then(function () {
      return pages.keys();
    }).then(function (keys) {
      return Promise.all(keys.slice(0, Math.max(0, keys.length - KEEP_PAGES)).map(function (old) {
        return pages.delete(old);
      }));
    });
  }).then(function () {
    var language = languageOf(url.pathname);
    if (!language) return null;
    var offline = CONFIG.offline[language];
    return caches.open(SHELL).then(function (cache) {
      return cache.match(offline).then(function (found) { return found || fetchInto(cache, offline); });
    });
  }).catch(function () { return null; });
}

function when(stamp, language) {
  var date = new Date(stamp);
  try {
    return new Intl.DateTimeFormat(language, {dateStyle: "medium", timeStyle: "short"}).format(date);
  } catch (error) {
    return date.toISOString();
  }
}

// The stored copy with its hidden offline notice shown and the time filled in.
function withNotice(response) {
  var stamp = response.headers.get("X-Sokoni-Cached-At");
  return response.text().then(function (html) {
    var language = (/<html lang="([^"]+)"/.exec(html) || [])[1] || "en";
    html = html.replace(/<p class="msg warn" id="offline-note" hidden>([^<]*)\{when\}/,
      function (all, before) {
        return '<p class="msg warn" id="offline-note">' + before + '<time datetime="' + stamp +
          '">' + when(stamp, language) + "</time>";
      });
    return new Response(html, {headers: {"Content-Type": "text/html; charset=utf-8"}});
  });
}

function navigate(event, url) {
  var request = event.request;
  var public_ = request.method === "GET" && PUBLIC.test(url.pathname);
  // Logging out forgets the pages kept while signed in (a shared computer at a service centre).
  if (request.method === "POST" && LOGOUT.test(url.pathname)) event.waitUntil(caches.delete(PAGES));
  return fetch(request).then(function (response) {
    if (public_) event.waitUntil(keep(url, response.clone()));
    return response;
  }).catch(function () {
    var stored = public_ ? caches.open(PAGES).then(function (cache) {
      return cache.match(url.href);
    }) : Promise.resolve(null);
    return stored.then(function (page) {
      return page ? withNotice(page) : offlinePage(url.pathname);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  if (event.request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (event.request.method === "GET" && url.pathname.indexOf(CONFIG.static) === 0) {
    event.respondWith(caches.match(url.href, {cacheName: SHELL}).then(function (hit) {
      return hit || fetch(event.request);
    }));
  }
});
{% endautoescape %}