/* Service worker of the jury pages: network first, the last good copy when the hall has no signal.
   Saves never go through the cache: POSTs and /jury/api/ pass straight to the network. */
var CACHE = "jury-pages-v1";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/jury/api/") === 0) {
    return;
  }
  if (url.pathname.indexOf("/jury/") !== 0 && url.pathname.indexOf("/static/") !== 0) return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (cached) {
        return cached || new Response("Offline, and this page was never opened on this tablet.",
                                      { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
      });
    })
  );
});
