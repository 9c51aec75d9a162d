// Shared by the desk pages (desktop.js, wall.js): JSON calls to the API with
// the session cookie and the page's CSRF token, the page's texts, and time
// formats. No inline scripts: the Content-Security-Policy forbids them, so
// the page hands over what the scripts need in data-* attributes.
(function () {
  "use strict";
  var root = document.querySelector("[data-texts]");
  var texts = {};
  try {
    texts = JSON.parse(root ? root.getAttribute("data-texts") : "{}");
  } catch (e) {
    texts = {};
  }
  // Server clock minus browser clock (ms), from the Date header: the API
  // gives times in the server's clock, the timers run in the browser's.
  var skew = 0;

  // t translates a key of the desk.js.* catalog, filling %[n]s / %[n]d.
  function t(key) {
    var s = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    for (var i = 1; i < arguments.length; i++) {
      s = s.split("%[" + i + "]s").join(String(arguments[i])).split("%[" + i + "]d").join(String(arguments[i]));
    }
    return s;
  }

  // has reports whether the catalog has a key.
  function has(key) {
    return Object.prototype.hasOwnProperty.call(texts, key);
  }

  // errText describes an API error: by its code when the catalog knows it,
  // else the server's message (this module's own endpoints translate theirs).
  function errText(e) {
    if (e && e.code && has("err." + e.code)) {
      return t("err." + e.code);
    }
    return (e && e.message) || t("err.generic");
  }

  // api calls the JSON API; it resolves with the decoded body (null for an
  // empty one) and rejects with {status, code, message}.
  function api(method, url, body) {
    var opts = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      opts.headers["X-CSRF-Token"] = root ? root.getAttribute("data-csrf") : "";
    }
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(url, opts).then(function (r) {
      var d = Date.parse(r.headers.get("Date") || "");
      if (!isNaN(d)) {
        var s = d - Date.now();
        skew = Math.abs(s) > 2000 ? s : 0; // the header has whole seconds
      }
      if (r.status === 401) {
        window.location.href = "/login?next=" + encodeURIComponent(window.location.pathname);
      }
      return r.text().then(function (txt) {
        var b = null;
        try {
          b = txt ? JSON.parse(txt) : null;
        } catch (e) {
          b = null;
        }
        if (r.ok) {
          return b;
        }
        var err = (b && b.error) || {};
        return Promise.reject({ status: r.status, code: err.code || "", message: errText(err) });
      });
    }, function () {
      return Promise.reject({ status: 0, code: "network", message: t("err.network") });
    });
  }

  function now() {
    return Date.now() + skew;
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // dur writes milliseconds as m:ss, or h:mm:ss from an hour.
  function dur(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
    return h ? h + ":" + pad(m) + ":" + pad(s % 60) : m + ":" + pad(s % 60);
  }

  // clock writes a time of day, HH:MM.
  function clock(ms) {
    var d = new Date(ms);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  // el builds an element: attrs (class, text, and attributes), children
  // (elements or strings). Texts go in as text, never as HTML.
  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) {
        return;
      }
      if (k === "text") {
        n.textContent = v;
      } else if (k === "class") {
        n.className = v;
      } else {
        n.setAttribute(k, v === true ? "" : v);
      }
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) {
        n.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
      }
    });
    return n;
  }

  // clear empties an element.
  function clear(n) {
    while (n.firstChild) {
      n.removeChild(n.firstChild);
    }
    return n;
  }

  // say shows a message in #desk-msg for a few seconds.
  var sayTimer = 0;
  function say(text, kind) {
    var box = document.getElementById("desk-msg");
    if (!box) {
      return;
    }
    box.className = "alert alert-" + (kind || "error");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(sayTimer);
    sayTimer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  // every runs fn now and then ms after each run ends (never overlapping);
  // fn returns a promise.
  function every(ms, fn) {
    function run() {
      var p;
      try {
        p = fn();
      } catch (e) {
        p = null;
      }
      Promise.resolve(p).catch(function () {}).then(function () { setTimeout(run, ms); });
    }
    run();
  }

  window.HotlineDesk = { t: t, has: has, api: api, now: now, dur: dur, clock: clock, el: el, clear: clear, say: say,
    every: every, root: root };
})();
