// Trackveil tracker (MIT License).
// The browser half of Trackveil. It runs on other people's pages, so: no dependencies, nothing
// before `load`, and every entry point wrapped so that nothing it does can throw into the page.
// Keep it small: `npm test` fails when tracker.min.js grows past 1,400 bytes gzipped.
(function (w, d) {
  try {
    var n = navigator;
    var l = location;
    var s = d.currentScript;
    var stub = w.trackveil;
    var calls = (stub && stub.q) || [];
    var last;
    var referrer = d.referrer;
    var fingerprint;

    // Without document.currentScript (very old browsers) this throws, and nothing is tracked.
    function attr(name) {
      return s.getAttribute('data-' + name);
    }

    // localStorage may be missing or throw (private modes, blocked storage): then undefined.
    function storage(key, value) {
      try {
        return value === undefined ? localStorage.getItem(key) : localStorage.setItem(key, value);
      } catch (e) {}
    }

    function safe(f) {
      return function () {
        try {
          return f.apply(this, arguments);
        } catch (e) {}
      };
    }

    var site = attr('site-id');
    // The site id also in the query string: the server can count a refusal it decides before
    // reading the body (over the rate limit, a prefetch) for the site's filtered traffic.
    var api = (attr('api') || s.src.split('/').slice(0, 3).join('/') + '/track') + '?s=' + site;
    var hashes = attr('hash') == 'true';
    var off =
      !site ||
      storage('trackveil_ignore') == 'true' ||
      (attr('respect-dnt') == 'true' && (n.doNotTrack == '1' || n.globalPrivacyControl));

    // A v4 UUID; crypto.randomUUID exists only on https pages, getRandomValues everywhere.
    function uuid() {
      return ([1e7] + -1e3 + -4e3 + -8e3 + -1e11).replace(/[018]/g, function (x) {
        return (x ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (x / 4)))).toString(16);
      });
    }

    // Stable browser traits, kept so the visitor stays the same when one changes (a browser
    // update); without storage they are read again on each page. The server only keeps a salted
    // SHA-256 of them, and learns little it does not see in the request headers anyway.
    function traits() {
      var sc = screen;
      var f =
        storage('trackveil_fp') ||
        [
          n.userAgent,
          n.language,
          sc.width,
          sc.height,
          sc.colorDepth,
          Intl.DateTimeFormat().resolvedOptions().timeZone,
        ]
          .join()
          .slice(0, 256);
      storage('trackveil_fp', f);
      return f;
    }

    // The retry queue: events not yet acknowledged, at most 50, kept across pages.
    function queue(items) {
      if (items) return storage('trackveil_queue', JSON.stringify(items.slice(-50)));
      try {
        return JSON.parse(storage('trackveil_queue')) || [];
      } catch (e) {
        return [];
      }
    }

    // While the page is being hidden, sendBeacon is the surest way out (the event stays queued; a
    // repeat is dropped by its event_id). Otherwise fetch with keepalive, which, unlike sendBeacon,
    // says whether the event arrived, so a failed one stays queued; else XMLHttpRequest. A string
    // body goes as text/plain, which needs no CORS preflight.
    function deliver(item, leaving) {
      // Called with a status, or with a network error (not a number): then keep it for later.
      function done(status) {
        // Delivered, or refused for good (4xx but 429): forget it. Otherwise retry later.
        if (status < 500 && status != 429) {
          queue(
            queue().filter(function (x) {
              return x.i != item.i;
            }),
          );
        }
      }
      if (leaving && n.sendBeacon && n.sendBeacon(api, item.b)) return;
      if (w.fetch) {
        fetch(api, { method: 'POST', body: item.b, keepalive: true }).then(function (r) {
          done(r.status);
        }, done);
      } else {
        var x = new XMLHttpRequest();
        x.open('POST', api);
        x.onload = x.onerror = function () {
          done(x.status || NaN);
        };
        x.send(item.b);
      }
    }

    function flush() {
      queue().forEach(function (item) {
        deliver(item);
      });
    }

    function send(extra, leaving) {
      var sc = screen;
      var id = uuid();
      var body = {
        site_id: site,
        url: l.href.slice(0, 2048),
        title: d.title.slice(0, 512),
        referrer: referrer.slice(0, 2048),
        screen_width: sc.width,
        screen_height: sc.height,
        fingerprint: fingerprint,
        event_id: id,
      };
      for (var k in extra) body[k] = extra[k];
      var item = { i: id, b: JSON.stringify(body) };
      queue(queue().concat(item));
      deliver(item, leaving);
    }

    function pageview(extra, leaving) {
      var key = hashes ? l.href : l.href.split('#')[0];
      if (key == last) return;
      if (last) referrer = last;
      last = key;
      send(extra, leaving);
    }

    // Navigation Timing 2 (times from the navigation start), else 1 (epoch times).
    function loadTime() {
      var p = w.performance;
      var t = (p.getEntriesByType && p.getEntriesByType('navigation')[0]) || p.timing;
      t = t.loadEventEnd - (t.navigationStart || 0);
      return t > 0 && t < 6e5 ? Math.round(t) : undefined;
    }

    w.trackveil = safe(function (name, props) {
      if (!off && name) send({ type: 'event', name: (name + '').slice(0, 120), props: props });
    });
    if (off) return;
    fingerprint = traits();

    // A prerendered page counts once it is shown; then after `load`, so load time is known.
    var start = safe(function () {
      if (d.prerendering) return d.addEventListener('prerenderingchange', start);
      if (d.readyState == 'complete') {
        setTimeout(
          safe(function () {
            if (!last) {
              // What earlier pages could not send goes first, also after `load`.
              flush();
              pageview({ load_time_ms: loadTime() });
            }
          }),
        );
      } else {
        w.addEventListener('load', start);
      }
    });
    // Leaving before `load` (or before the delayed send): send now, without a load time.
    var leave = safe(function (e) {
      if (!last && !d.prerendering && (e.type == 'pagehide' || d.visibilityState == 'hidden'))
        pageview(0, 1);
    });
    w.addEventListener('pagehide', leave);
    d.addEventListener('visibilitychange', leave);
    w.addEventListener('online', safe(flush));

    if (attr('spa') != 'false') {
      var navigated = safe(function () {
        if (last) pageview();
      });
      ['pushState', 'replaceState'].forEach(function (m) {
        var original = history[m];
        if (original) {
          history[m] = function () {
            var r = original.apply(this, arguments);
            navigated();
            return r;
          };
        }
      });
      w.addEventListener('popstate', navigated);
      if (hashes) w.addEventListener('hashchange', navigated);
    }

    start();
    calls.forEach(function (args) {
      w.trackveil.apply(w, args);
    });
  } catch (e) {}
})(window, document);
