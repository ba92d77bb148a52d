/* Service worker of the jury pages: network first, the last good copy when the hall has no signal, and the
   juror's offline page (in their language) for a page never kept. Saves never go through the cache: POSTs and
   /jury/api/ pass straight to the network. Logging out deletes this cache and unregisters this worker. */
var CACHE = "jury-pages-v1";
var OFFLINE = "/jury/offline";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function keep(event, response) {
  // Never a redirect (to the login page) or an error under a jury address.
  if (response.ok && response.type === "basic" && !response.redirected) {
    var copy = response.clone();
    event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(event.request, copy); }));
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/jury/api/") === 0) {
    return;
  }
  var path = url.pathname;
  // Versioned (judging/assets.py): a URL's content never changes, so the kept copy is the right one.
  if (path.indexOf("/jury/assets/") === 0 || (path.indexOf("/static/") === 0 && url.searchParams.has("v"))) {
    event.respondWith(caches.match(request).then(function (cached) {
      return cached || fetch(request).then(function (response) { return keep(event, response); });
    }));
    return;
  }
  if (path.indexOf("/jury/") !== 0 && path.indexOf("/static/") !== 0) return;
  event.respondWith(
    fetch(request).then(function (response) { return keep(event, response); }).catch(function () {
      return caches.match(request).then(function (cached) {
        if (cached) return cached;
        if (request.mode === "navigate") {
          return caches.match(OFFLINE).then(function (page) {
            return page || new Response("Offline / Hors ligne", { status: 503,
              headers: { "Content-Type": "text/plain; charset=utf-8" } });
          });
        }
        return Response.error();
      });
    })
  );
});
