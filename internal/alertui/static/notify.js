// The early-warning indicator of every page, for users who may see alerts
// (the layout includes this script for them). Every five seconds it reads
// the open alerts in the user's scope (GET /api/v1/alerts/active) and shows
// a chip in the top bar, a banner while there are alerts the user has not
// dismissed, and — once the user allowed it with the button — one browser
// notification per new episode, and one more if it escalates to critical.
// Which episodes were announced is kept in localStorage, so the next page
// and other tabs do not announce them again. Texts come from /alerts/texts
// in the page's language (kept for the tab); the script carries none.
(function () {
  "use strict";
  var bar = document.querySelector(".topbar-right");
  if (!bar || !window.fetch) {
    return;
  }
  // The page may ask for another poll interval (tests do), in ms.
  var POLL_MS = Number(document.documentElement.getAttribute("data-alerts-poll")) || 5000;
  var SEEN = "hotline.alerts.seen", DISMISSED = "hotline.alerts.dismissed", polls = 0;
  var texts = {}, chip, button, banner;

  function t(key) {
    var s = Object.prototype.hasOwnProperty.call(texts, key) ? texts[key] : key;
    for (var i = 1; i < arguments.length; i++) {
      s = s.split("%[" + i + "]s").join(String(arguments[i])).split("%[" + i + "]d").join(String(arguments[i]));
    }
    return s;
  }
  function load(key) {
    try {
      var v = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [];
    }
  }
  function store(key, list) {
    try {
      window.localStorage.setItem(key, JSON.stringify(list.slice(-300)));
    } catch (e) {
      // Private mode without storage: announcements repeat per page.
    }
  }
  function el(tag, attrs, text) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      n.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) {
      n.textContent = text;
    }
    return n;
  }
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }
  // fmt writes a figure in its unit: m:ss for waits, percent, or a count.
  function fmt(metric, v) {
    if (metric === "longest_wait") {
      var s = Math.max(0, Math.floor(v));
      return Math.floor(s / 60) + ":" + pad(s % 60);
    }
    if (metric === "service_level" || metric === "abandon_rate") {
      return (Math.round(v * 10) / 10) + "%";
    }
    return String(Math.round(v * 10) / 10);
  }
  function clock(iso) {
    var d = new Date(iso);
    return pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function describe(e) {
    return e.queue + " · " + t("metric." + e.metric) + " " + fmt(e.metric, e.last) + " · " + t("level." + e.current);
  }

  function canNotify() {
    return "Notification" in window;
  }
  // renderButton offers the permission button while the browser has not
  // been asked (a removed button: .btn's display would beat [hidden]).
  function renderButton() {
    if (!canNotify() || Notification.permission !== "default") {
      if (button) {
        button.remove();
        button = null;
      }
      return;
    }
    if (!button) {
      button = el("button", { type: "button", class: "btn btn-sm alerts-notify-btn", id: "alerts-notify", title: t("enable_title") }, t("enable"));
      button.addEventListener("click", function () {
        var p = Notification.requestPermission(renderButton);
        if (p && p.then) {
          p.then(renderButton);
        }
      });
      bar.insertBefore(button, bar.firstChild);
    }
  }

  function renderChip(eps) {
    if (!chip) {
      chip = el("a", { href: "/alerts", id: "alerts-chip", class: "alerts-chip" });
      bar.insertBefore(chip, bar.firstChild);
    }
    var worst = eps.some(function (e) { return e.current === "critical"; }) ? "critical" : (eps.length ? "warning" : "");
    chip.className = "alerts-chip" + (worst ? " alerts-" + worst : "");
    chip.setAttribute("data-level", worst);
    chip.textContent = eps.length ? t("chip", eps.length) : t("chip_none");
  }

  function renderBanner(eps) {
    var hidden = load(DISMISSED);
    var shown = eps.filter(function (e) { return hidden.indexOf(e.id + ":" + e.current) < 0; });
    if (banner) {
      banner.remove();
      banner = null;
    }
    var main = document.querySelector("main.content");
    if (!shown.length || !main) {
      return;
    }
    var critical = shown.some(function (e) { return e.current === "critical"; });
    banner = el("div", { id: "alerts-banner", role: "alert", class: "alerts-banner" + (critical ? " alerts-critical" : "") });
    banner.appendChild(el("strong", {}, t("banner")));
    var list = el("ul");
    shown.slice(0, 3).forEach(function (e) {
      list.appendChild(el("li", { "data-episode": String(e.id), "data-level": e.current }, describe(e) + " · " + t("since", clock(e.started_at))));
    });
    if (shown.length > 3) {
      list.appendChild(el("li", {}, t("more", shown.length - 3)));
    }
    banner.appendChild(list);
    banner.appendChild(el("a", { href: "/alerts", class: "btn btn-sm" }, t("view")));
    var close = el("button", { type: "button", class: "btn btn-sm btn-ghost", id: "alerts-dismiss" }, t("dismiss"));
    close.addEventListener("click", function () {
      store(DISMISSED, load(DISMISSED).concat(shown.map(function (e) { return e.id + ":" + e.current; })));
      renderBanner(eps);
    });
    banner.appendChild(close);
    main.insertBefore(banner, main.firstChild);
  }

  // announce shows a notification for episodes it has not announced yet:
  // on opening, and again on reaching critical.
  function announce(eps) {
    var seen = load(SEEN), changed = false;
    eps.forEach(function (e) {
      var keys = [String(e.id)];
      if (e.current === "critical") {
        keys.push(e.id + ":critical");
      }
      var fresh = keys.filter(function (k) { return seen.indexOf(k) < 0; });
      if (!fresh.length) {
        return;
      }
      seen = seen.concat(fresh);
      changed = true;
      if (canNotify() && Notification.permission === "granted") {
        try {
          new Notification(t("notify_title", t("level." + e.current), e.queue), {
            body: t("notify_body", t("metric." + e.metric), fmt(e.metric, e.last), t("level." + e.current), fmt(e.metric,
              e.current === "critical" ? e.critical : e.warning)),
            tag: "hotline-alert-" + e.id + (e.current === "critical" ? "-critical" : "")
          });
        } catch (err) {
          // Some browsers only notify from a service worker: the banner stays.
        }
      }
    });
    if (changed) {
      store(SEEN, seen);
    }
  }

  function poll() {
    return fetch("/api/v1/alerts/active", { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : null;
    }).then(function (eps) {
      if (!eps) {
        return;
      }
      renderChip(eps);
      renderBanner(eps);
      announce(eps);
      document.documentElement.setAttribute("data-alerts", String(eps.length));
      document.documentElement.setAttribute("data-alerts-polls", String(++polls));
    }).catch(function () {
      // Offline for a moment: the next poll tries again.
    });
  }

  function loop() {
    poll().then(function () {
      window.setTimeout(loop, POLL_MS);
    });
  }

  // The texts are fetched once per language and tab.
  var textsKey = "hotline.alerts.texts." + document.documentElement.lang;
  function loadTexts() {
    try {
      var cached = JSON.parse(window.sessionStorage.getItem(textsKey) || "null");
      if (cached) {
        return Promise.resolve(cached);
      }
    } catch (e) {
      // No storage: fetch them.
    }
    return fetch("/alerts/texts", { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : {};
    }).then(function (m) {
      try {
        window.sessionStorage.setItem(textsKey, JSON.stringify(m || {}));
      } catch (e) {
        // Fetched again on the next page.
      }
      return m;
    });
  }

  loadTexts().then(function (m) {
    texts = m || {};
  }, function () {
    texts = {};
  }).then(function () {
    if (!document.querySelector('link[href^="/alerts/static/alerts.css"]')) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: "/alerts/static/alerts.css" }));
    }
    renderButton();
    loop();
  });
})();
