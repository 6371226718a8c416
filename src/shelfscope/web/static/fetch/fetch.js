/* Fetch health page: bandwidth per provider per day as stacked bars (plotly.js, served from the
 * installed plotly package). The data comes from /api/v1/fetch/usage, the same numbers as the
 * table under the chart, which stays the view without JavaScript. Redrawn once a minute.
 */
(function () {
  "use strict";

  var REFRESH_MS = window.SHELFSCOPE_REFRESH_MS || 60000;
  var DAY_MS = 86400000;
  var LABELS = {
    bright_data: "Bright Data", smartproxy: "Smartproxy / Decodo", oxylabs: "Oxylabs", custom: "Custom",
  };

  function cssVar(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }

  function traces(items) {
    var byProvider = {};
    items.forEach(function (u) {
      var trace = byProvider[u.provider] || (byProvider[u.provider] = {
        type: "bar", name: LABELS[u.provider] || u.provider, x: [], y: [], customdata: [], width: [],
        hovertemplate: "%{x}: %{y:.2f} MB, est. $%{customdata}<extra>%{fullData.name}</extra>",
      });
      trace.x.push(u.day);
      trace.y.push(u.megabytes);
      trace.customdata.push(u.estimated_cost);
      trace.width.push(0.8 * DAY_MS);
    });
    return Object.keys(byProvider).sort().map(function (key) { return byProvider[key]; });
  }

  function windowRange(days) {
    // Every day of the window keeps its slot, so one busy day is not drawn as a wall.
    var day = DAY_MS;
    var today = new Date();
    var end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) + day / 2;
    return [new Date(end - days * day).toISOString(), new Date(end).toISOString()];
  }

  function draw(el) {
    var days = el.getAttribute("data-days") || "14";
    var opts = { credentials: "same-origin", headers: { Accept: "application/json" } };
    return fetch("/api/v1/fetch/usage?limit=200&days=" + encodeURIComponent(days), opts)
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (page) {
        el.setAttribute("data-bars", String(page.items.length));
        if (!page.items.length || !window.Plotly) {
          return;
        }
        el.hidden = false;
        var text = cssVar("--text", "#1f2937");
        window.Plotly.react(el, traces(page.items), {
          barmode: "stack", height: 260, margin: { l: 48, r: 16, t: 8, b: 36 },
          paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
          font: { color: text, size: 12 }, legend: { orientation: "h", y: -0.2 },
          yaxis: { title: { text: "MB" }, rangemode: "tozero" },
          xaxis: { type: "date", range: windowRange(Number(days)), tickformat: "%b %d" },
        }, { displayModeBar: false, responsive: true });
      })
      .catch(function () { /* the table below has the same figures */ });
  }

  function start() {
    var el = document.querySelector("[data-usage-chart]");
    if (!el) {
      return;
    }
    draw(el);
    window.setInterval(function () { if (!document.hidden) { draw(el); } }, REFRESH_MS);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
