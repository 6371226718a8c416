/* shelfscope seller pages: the backfill view follows sync_progress / sync_completed / sync_error.
 *
 * shelfscope.js owns the WebSocket and re-dispatches every event as a "shelfscope:event"
 * DOM event; this file listens to the seller's. A sync_progress moves the connection's overall
 * bar at once (its payload carries current/total/percentage for the whole connection) and counts a
 * finished window on its kind's bar; a region refresh shortly after brings the exact per-kind
 * figures (rows, last success, errors) from the server. While the WebSocket is down,
 * shelfscope.js refreshes the same regions every 60 s. Everything works without this file.
 */
(function () {
  "use strict";

  var REFRESH_AFTER_MS = 1500;
  var FINAL = { done: true, cancelled: true };
  var refreshTimer = null;

  function setBar(progress, done, total, finished) {
    if (!progress) {
      return;
    }
    var pct = total > 0 ? Math.min(100, Math.round((100 * done) / total)) : finished ? 100 : 0;
    progress.setAttribute("data-status", finished ? "succeeded" : "running");
    progress.setAttribute("data-done", String(done));
    var track = progress.querySelector(".progress-track");
    var bar = progress.querySelector(".progress-bar");
    var text = progress.querySelector(".progress-text");
    if (track) {
      track.setAttribute("aria-valuenow", String(pct));
      track.classList.remove("indeterminate");
    }
    if (bar) {
      bar.style.width = pct + "%";
    }
    if (text) {
      text.textContent = total > 0 ? done + " / " + total : finished ? "done" : "\u2013";
    }
  }

  function scopes(connectionId) {
    return document.querySelectorAll('[data-seller-connection="' + String(connectionId) + '"]');
  }

  function onProgress(p) {
    var total = Number(p.total) || 0;
    var current = Number(p.current) || 0;
    scopes(p.connection_id).forEach(function (scope) {
      setBar(scope.querySelector("[data-sync-overall] [data-progress]"), current, total, total > 0 && current >= total);
    });
    if (!FINAL[p.status]) {
      return;
    }
    var selector = '[data-sync-kinds="' + String(p.connection_id) + '"] tr[data-sync-kind="' + p.kind + '"]';
    document.querySelectorAll(selector).forEach(function (row) {
      var kindTotal = Number(row.getAttribute("data-total")) || 0;
      var kindDone = Math.min(kindTotal, (Number(row.getAttribute("data-done")) || 0) + 1);
      row.setAttribute("data-done", String(kindDone));
      setBar(row.querySelector("[data-progress]"), kindDone, kindTotal, kindDone >= kindTotal);
    });
  }

  function toast(options) {
    if (window.shelfscope && window.shelfscope.toast) {
      window.shelfscope.toast(options);
    }
  }

  function refreshSoon() {
    if (refreshTimer) {
      return; // one refresh per burst of events
    }
    refreshTimer = window.setTimeout(function () {
      refreshTimer = null;
      if (window.shelfscope && window.shelfscope.refresh) {
        window.shelfscope.refresh();
      }
    }, REFRESH_AFTER_MS);
  }

  function onEvent(domEvent) {
    var event = domEvent.detail || {};
    if (typeof event.type !== "string" || event.type.indexOf("sync_") !== 0) {
      return;
    }
    var p = event.payload || {};
    var shown = scopes(p.connection_id).length > 0;
    if (event.type === "sync_progress") {
      onProgress(p);
    } else if (event.type === "sync_completed" && shown) {
      toast({ title: "Amazon backfill run finished", text: (p.rows_ingested || 0) + " new ledger rows", level: "success" });
    } else if (event.type === "sync_error" && shown) {
      toast({ title: "Amazon sync error", text: (p.kind ? p.kind + ": " : "") + (p.error || ""), level: "error" });
    }
    if (shown) {
      refreshSoon();
    }
  }

  document.addEventListener("shelfscope:event", onEvent);
})();
