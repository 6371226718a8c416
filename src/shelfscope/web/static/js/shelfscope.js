/* shelfscope dashboard: progressive enhancement on top of server-rendered pages.
 *
 * - live updates over the WebSocket /api/v1/ws: reconnect with exponential backoff and jitter,
 *   resume with ?after=<last event id> (kept in sessionStorage across page loads);
 * - toasts for notifications and flash messages, unread badge updates;
 * - run progress bars that move with run_progress / run_finished events;
 * - a 60 s refresh of [data-refresh-region] elements while live updates are down;
 * - fetch() helpers that send the CSRF token (X-CSRF-Token from <meta name="csrf-token">);
 * - the phone menu, confirm prompts, copy buttons, auto-submitting selects.
 * Everything works without this file; it only makes pages live.
 */
(function () {
  "use strict";

  // How often live regions are refreshed while the WebSocket is down (overridable for tests).
  var REFRESH_FALLBACK_MS = window.SHELFSCOPE_REFRESH_MS || 60000;
  var BACKOFF_BASE_MS = 1000;
  var BACKOFF_MAX_MS = 30000;
  var LAST_EVENT_KEY = "shelfscope:last-event-id";
  var TOAST_MS = 6000;

  function meta(name) {
    var el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.getAttribute("content") : null;
  }

  function csrfToken() {
    return meta("csrf-token") || "";
  }

  /* ------------------------------------------------------------------ fetch helpers */

  function request(url, options) {
    var opts = options || {};
    var headers = new Headers(opts.headers || {});
    var method = (opts.method || "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      headers.set("X-CSRF-Token", csrfToken());
    }
    if (!headers.has("Accept")) {
      headers.set("Accept", "application/json");
    }
    var body = opts.body;
    if (body && !(body instanceof FormData) && typeof body !== "string") {
      headers.set("Content-Type", "application/json");
      body = JSON.stringify(body);
    }
    return fetch(url, {
      method: method,
      headers: headers,
      body: body,
      credentials: "same-origin",
      redirect: opts.redirect || "follow",
    });
  }

  /* ------------------------------------------------------------------ toasts */

  function toastContainer() {
    var box = document.getElementById("toasts");
    if (!box) {
      box = document.createElement("div");
      box.id = "toasts";
      box.className = "toasts";
      box.setAttribute("aria-live", "polite");
      document.body.appendChild(box);
    }
    return box;
  }

  function dismiss(toast) {
    if (!toast.parentNode) {
      return;
    }
    toast.classList.add("leaving");
    window.setTimeout(function () {
      if (toast.parentNode) {
        toast.parentNode.removeChild(toast);
      }
    }, 220);
  }

  function armToast(toast, sticky) {
    var close = toast.querySelector(".toast-close");
    if (close) {
      close.addEventListener("click", function () {
        dismiss(toast);
      });
    }
    if (!sticky) {
      window.setTimeout(function () {
        dismiss(toast);
      }, TOAST_MS);
    }
  }

  function showToast(opts) {
    var toast = document.createElement("div");
    toast.className = "toast toast-" + (opts.level || "info");
    toast.setAttribute("role", opts.level === "error" ? "alert" : "status");
    if (opts.kind) {
      toast.setAttribute("data-toast-kind", opts.kind);
    }
    var bodyEl = document.createElement("div");
    bodyEl.className = "toast-body";
    var title = document.createElement(opts.url ? "a" : "div");
    title.className = "toast-title";
    title.textContent = opts.title || "";
    if (opts.url) {
      title.href = opts.url;
    }
    bodyEl.appendChild(title);
    if (opts.text) {
      var text = document.createElement("div");
      text.className = "toast-text";
      text.textContent = opts.text;
      bodyEl.appendChild(text);
    }
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "\u00d7";
    toast.appendChild(bodyEl);
    toast.appendChild(close);
    toastContainer().appendChild(toast);
    armToast(toast, opts.sticky);
    return toast;
  }

  /* ------------------------------------------------------------------ unread badge */

  function setUnread(count) {
    var value = Math.max(0, count | 0);
    document.querySelectorAll("[data-unread-count]").forEach(function (badge) {
      badge.setAttribute("data-unread-count", String(value));
      badge.textContent = value > 99 ? "99+" : String(value);
      badge.hidden = value === 0;
    });
  }

  function currentUnread() {
    var badge = document.querySelector("[data-unread-count]");
    return badge ? parseInt(badge.getAttribute("data-unread-count") || "0", 10) : 0;
  }

  /* ------------------------------------------------------------------ run progress */

  var STATUS_LABELS = {
    queued: "Queued",
    running: "Running",
    succeeded: "Succeeded",
    failed: "Failed",
    partial: "Partial",
    cancelled: "Cancelled",
  };

  function updateRun(payload) {
    var runId = payload.run_id !== undefined ? payload.run_id : payload.id;
    if (runId === undefined || runId === null) {
      return false;
    }
    var found = false;
    document.querySelectorAll('[data-run-id="' + String(runId) + '"]').forEach(function (scope) {
      found = true;
      var status = payload.status;
      var done = payload.done;
      var total = payload.total;
      scope.querySelectorAll("[data-progress]").forEach(function (progress) {
        if (status) {
          progress.setAttribute("data-status", status);
        }
        var track = progress.querySelector(".progress-track");
        var bar = progress.querySelector(".progress-bar");
        var text = progress.querySelector(".progress-text");
        var hasTotal = typeof total === "number" && total > 0;
        var pct = hasTotal ? Math.min(100, Math.round((100 * (done || 0)) / total)) : null;
        if (status && status !== "running" && status !== "queued" && !hasTotal) {
          pct = 100;
        }
        if (track) {
          track.classList.toggle("indeterminate", pct === null && status === "running");
          track.setAttribute("aria-valuenow", pct === null ? "0" : String(pct));
        }
        if (bar && pct !== null) {
          bar.style.width = pct + "%";
        }
        if (text) {
          text.textContent = hasTotal ? (done || 0) + " / " + total : pct === 100 ? "done" : "\u2013";
        }
        progress.setAttribute("data-done", String(done || 0));
      });
      if (status) {
        scope.querySelectorAll("[data-run-status]").forEach(function (badge) {
          badge.className = "badge badge-" + status;
          badge.textContent = STATUS_LABELS[status] || status;
          badge.setAttribute("data-run-status", status);
        });
      }
      if (payload.message) {
        scope.querySelectorAll("[data-run-message]").forEach(function (el) {
          el.textContent = payload.message;
        });
      }
    });
    return found;
  }

  /* ------------------------------------------------------------------ region refresh */

  var refreshTimer = null;

  function refreshRegions() {
    var regions = document.querySelectorAll("[data-refresh-region]");
    if (!regions.length || document.hidden) {
      return Promise.resolve();
    }
    var active = document.activeElement;
    if (active && active.closest && active.closest("[data-refresh-region] form")) {
      return Promise.resolve(); // never replace a form the user is typing in
    }
    return request(window.location.href, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname === "/login") {
          window.location.assign(response.url); // the session ended: go and log in again
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        swapRegions(doc);
      })
      .catch(function () {
        /* offline: try again on the next tick */
      });
  }

  function swapRegions(doc) {
    document.querySelectorAll("[data-refresh-region]").forEach(function (region) {
      var fresh = region.id ? doc.getElementById(region.id) : null;
      if (fresh) {
        region.replaceWith(document.importNode(fresh, true));
      }
    });
    var badge = doc.querySelector("[data-unread-count]");
    if (badge) {
      setUnread(parseInt(badge.getAttribute("data-unread-count") || "0", 10));
    }
    enhance(document);
  }

  function scheduleRefresh(delayMs) {
    if (refreshTimer) {
      window.clearTimeout(refreshTimer);
    }
    refreshTimer = window.setTimeout(function () {
      refreshTimer = null;
      refreshRegions();
    }, delayMs);
  }

  /* ------------------------------------------------------------------ live connection */

  function LiveConnection(url) {
    this.url = url;
    this.socket = null;
    this.attempt = 0;
    this.stopped = false;
    this.lastId = null;
    try {
      this.lastId = window.sessionStorage.getItem(LAST_EVENT_KEY);
    } catch (err) {
      this.lastId = null;
    }
  }

  LiveConnection.prototype.setState = function (state) {
    document.documentElement.setAttribute("data-live", state);
    document.querySelectorAll("[data-live-indicator]").forEach(function (dot) {
      dot.setAttribute("data-state", state);
      dot.title = state === "open" ? "Live updates on" : "Live updates reconnecting";
    });
  };

  LiveConnection.prototype.connect = function () {
    if (this.stopped) {
      return;
    }
    var self = this;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + window.location.host + this.url;
    if (this.lastId) {
      url += (url.indexOf("?") >= 0 ? "&" : "?") + "after=" + encodeURIComponent(this.lastId);
    }
    this.setState("connecting");
    var socket;
    try {
      socket = new WebSocket(url);
    } catch (err) {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = function () {
      self.attempt = 0;
      self.setState("open");
    };
    socket.onmessage = function (message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (err) {
        return;
      }
      self.remember(event);
      dispatch(event);
    };
    socket.onclose = function (close) {
      self.socket = null;
      self.setState("closed");
      // 4401/4403/1008: not (or no longer) signed in; reconnecting cannot help.
      if (close.code === 4401 || close.code === 4403 || close.code === 1008) {
        self.stopped = true;
        return;
      }
      self.retry();
    };
  };

  LiveConnection.prototype.remember = function (event) {
    if (!event || !event.id) {
      return;
    }
    this.lastId = event.id;
    try {
      window.sessionStorage.setItem(LAST_EVENT_KEY, event.id);
    } catch (err) {
      /* private mode: resume only within this page */
    }
  };

  LiveConnection.prototype.retry = function () {
    if (this.stopped) {
      return;
    }
    var self = this;
    var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * Math.pow(2, this.attempt));
    var delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    window.setTimeout(function () {
      self.connect();
    }, delay);
  };

  LiveConnection.prototype.isOpen = function () {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN;
  };

  /* ------------------------------------------------------------------ event handling */

  function onNotification(event) {
    var p = event.payload || {};
    var level = p.level === "error" || p.level === "warning" || p.level === "success" ? p.level : "info";
    showToast({
      title: p.title || "Notification",
      text: p.body || p.message || "",
      url: p.link || p.url || null,
      level: level,
      kind: "notification",
    });
    setUnread(currentUnread() + 1);
    if (document.querySelector("[data-notification-list]")) {
      scheduleRefresh(300);
    }
  }

  var refreshedForRun = {};

  function onRunEvent(event, finished) {
    var p = event.payload || {};
    var shown = updateRun(p);
    if (!document.querySelector("[data-live-runs]")) {
      return;
    }
    // Counts, timings and buttons change when a run ends; a run not on the page may be new.
    // An unknown run triggers one refresh only, so a filtered list is not reloaded per event.
    if (finished) {
      scheduleRefresh(400);
    } else if (!shown && !refreshedForRun[p.run_id]) {
      refreshedForRun[p.run_id] = true;
      scheduleRefresh(800);
    }
  }

  function dispatch(event) {
    if (!event || !event.type) {
      return;
    }
    switch (event.type) {
      case "notification":
        onNotification(event);
        break;
      case "notification_read":
        if (typeof (event.payload || {}).unread === "number") {
          setUnread(event.payload.unread);
        }
        if (document.querySelector("[data-notification-list]")) {
          scheduleRefresh(300);
        }
        break;
      case "run_progress":
        onRunEvent(event, false);
        break;
      case "run_finished":
        onRunEvent(event, true);
        break;
      case "resync":
      case "data_changed":
        scheduleRefresh(500);
        break;
      default:
        break;
    }
    document.dispatchEvent(new CustomEvent("shelfscope:event", { detail: event }));
  }

  /* ------------------------------------------------------------------ page behaviour */

  function enhanceMenu() {
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!toggle || toggle.getAttribute("data-enhanced")) {
      return;
    }
    toggle.setAttribute("data-enhanced", "1");
    toggle.addEventListener("click", function (click) {
      click.preventDefault();
      var open = !document.body.classList.contains("nav-open");
      document.body.classList.toggle("nav-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
    document.addEventListener("keydown", function (key) {
      if (key.key === "Escape" && document.body.classList.contains("nav-open")) {
        document.body.classList.remove("nav-open");
        toggle.setAttribute("aria-expanded", "false");
      }
    });
  }

  function enhance(root) {
    root.querySelectorAll("form[data-confirm]:not([data-enhanced])").forEach(function (form) {
      form.setAttribute("data-enhanced", "1");
      form.addEventListener("submit", function (submit) {
        if (!window.confirm(form.getAttribute("data-confirm"))) {
          submit.preventDefault();
          submit.stopImmediatePropagation();
        }
      });
    });
    root.querySelectorAll("form[data-async]:not([data-async-enhanced])").forEach(function (form) {
      form.setAttribute("data-async-enhanced", "1");
      form.addEventListener("submit", function (submit) {
        submit.preventDefault();
        submitAsync(form);
      });
    });
    root.querySelectorAll("select[data-autosubmit]:not([data-enhanced])").forEach(function (select) {
      select.setAttribute("data-enhanced", "1");
      select.addEventListener("change", function () {
        if (select.form) {
          select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
        }
      });
      var button = select.form && select.form.querySelector("[data-autosubmit-button]");
      if (button) {
        button.hidden = true;
      }
    });
    root.querySelectorAll("[data-copy]:not([data-enhanced])").forEach(function (button) {
      button.setAttribute("data-enhanced", "1");
      button.hidden = false;
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy"));
        if (!target || !navigator.clipboard) {
          return;
        }
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = "Copied";
        });
      });
    });
    root.querySelectorAll(".toast:not([data-enhanced])").forEach(function (toast) {
      toast.setAttribute("data-enhanced", "1");
      armToast(toast, toast.classList.contains("toast-error"));
    });
  }

  /* A form posted with fetch: the server answers as for a plain post (redirect to a page with a
     flash message); that page's regions and flash replace ours, so the list updates in place. */
  function submitAsync(form) {
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) {
      b.disabled = true;
    });
    request(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "text/html" } })
      .then(function (response) {
        if (response.redirected && new URL(response.url).pathname === "/login") {
          window.location.assign(response.url); // signed out meanwhile
          return null;
        }
        return response.text().then(function (html) {
          return { ok: response.ok, status: response.status, html: html };
        });
      })
      .then(function (result) {
        if (!result) {
          return;
        }
        var doc = new DOMParser().parseFromString(result.html, "text/html");
        doc.querySelectorAll("#toasts .toast").forEach(function (toast) {
          toastContainer().appendChild(document.importNode(toast, true));
        });
        if (result.ok) {
          swapRegions(doc);
        } else {
          var message = doc.querySelector("[data-error-message]");
          showToast({
            title: "That did not work",
            text: message ? message.textContent.trim() : "HTTP " + result.status,
            level: "error",
          });
        }
        enhance(document);
      })
      .catch(function () {
        showToast({ title: "Network error", text: "The server could not be reached.", level: "error" });
      })
      .finally(function () {
        buttons.forEach(function (b) {
          b.disabled = false;
        });
      });
  }

  function start() {
    enhanceMenu();
    enhance(document);
    var wsPath = meta("live-url");
    var live = null;
    if (wsPath && "WebSocket" in window) {
      live = new LiveConnection(wsPath);
      live.connect();
    }
    // Fallback: while live updates are down, refresh live regions once a minute.
    window.setInterval(function () {
      if (!live || !live.isOpen()) {
        refreshRegions();
      }
    }, REFRESH_FALLBACK_MS);
    window.shelfscope = {
      request: request,
      toast: showToast,
      setUnread: setUnread,
      refresh: refreshRegions,
      live: live,
    };
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
