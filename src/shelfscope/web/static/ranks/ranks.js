/* Keyword rank pages: the rank chart (plotly.js, served from the installed plotly package) and
 * the job form's schedule preview.
 *
 * The chart reads /api/v1/ranks/jobs/{job}/keywords/{keyword}/chart and draws organic and
 * sponsored rank on an inverted axis with the page boundaries. It redraws when a live event
 * says the job's data changed (a check finished); while live updates are down, the shell's
 * 60 s region refresh keeps the tables current and the chart follows on its own timer.
 * Without JavaScript the page still shows the keyword table; the chart says it needs scripts.
 */
(function () {
  "use strict";

  var FALLBACK_MS = window.SHELFSCOPE_REFRESH_MS || 60000;

  function getJSON(url) {
    var opts = { credentials: "same-origin", headers: { Accept: "application/json" } };
    return fetch(url, opts).then(function (response) {
      if (!response.ok) {
        return response.json().then(
          function (body) {
            throw new Error(body.message || "HTTP " + response.status);
          },
          function () {
            throw new Error("HTTP " + response.status);
          }
        );
      }
      return response.json();
    });
  }

  function cssVar(name, fallback) {
    var value = window.getComputedStyle(document.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }

  /* ------------------------------------------------------------------ chart */

  function series(points, field) {
    return points.map(function (p) {
      return p.status === "ok" && p[field] !== null ? p[field] : null;
    });
  }

  function hover(points) {
    return points.map(function (p) {
      if (p.status === "failed") {
        return "check failed: " + (p.failure_reason || "unknown reason");
      }
      if (p.status === "not_found") {
        return "not in the searched pages";
      }
      return "page " + p.page + ", position " + p.position;
    });
  }

  function boundaryShapes(bounds, maxRank) {
    var shapes = [];
    var annotations = [];
    bounds.forEach(function (rank, index) {
      if (rank > maxRank + 10) {
        return;
      }
      shapes.push({
        type: "line", xref: "paper", x0: 0, x1: 1, y0: rank, y1: rank,
        line: { dash: "dash", width: 1, color: cssVar("--muted", "#888") },
      });
      annotations.push({
        xref: "paper", x: 1, y: rank, xanchor: "right", yanchor: "top", showarrow: false,
        text: "page " + (index + 2), font: { size: 11, color: cssVar("--muted", "#888") },
      });
    });
    return { shapes: shapes, annotations: annotations };
  }

  function draw(el, chart) {
    var points = chart.points;
    var status = el.querySelector("[data-chart-status]");
    el.setAttribute("data-points", String(points.length));
    if (!points.length) {
      if (status) {
        status.textContent = "No checks in this window yet. Run the job to see its first point.";
      }
      el.setAttribute("data-chart-ready", "empty");
      return;
    }
    if (status) {
      status.remove();
    }
    var x = points.map(function (p) {
      return p.observed_at;
    });
    var ranks = points
      .map(function (p) {
        return Math.max(p.organic_rank || 0, p.sponsored_rank || 0);
      })
      .concat([1]);
    var maxRank = Math.max.apply(null, ranks);
    var failed = points.filter(function (p) {
      return p.status === "failed";
    });
    var traces = [
      {
        name: "Organic", x: x, y: series(points, "organic_rank"), text: hover(points),
        mode: "lines+markers", connectgaps: false, line: { color: cssVar("--accent", "#3b5bdb"), width: 2 },
        hovertemplate: "#%{y} organic<br>%{text}<br>%{x}<extra></extra>",
      },
      {
        name: "Sponsored", x: x, y: series(points, "sponsored_rank"), text: hover(points),
        mode: "lines+markers", connectgaps: false,
        line: { color: cssVar("--warn", "#b26b00"), width: 2, dash: "dot" },
        hovertemplate: "#%{y} sponsored<br>%{text}<br>%{x}<extra></extra>",
      },
    ];
    if (failed.length) {
      traces.push({
        name: "Failed check", x: failed.map(function (p) { return p.observed_at; }),
        y: failed.map(function () { return 1; }),
        text: failed.map(function (p) { return p.failure_reason || "failed"; }),
        mode: "markers", marker: { symbol: "x", size: 9, color: cssVar("--danger", "#c92a2a") },
        hovertemplate: "check failed: %{text}<br>%{x}<extra></extra>",
      });
    }
    var bounds = boundaryShapes(chart.page_boundaries || [], maxRank);
    var layout = {
      margin: { l: 48, r: 16, t: 12, b: 40 },
      height: 340,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { color: cssVar("--text", "#1b2330"), family: "system-ui, sans-serif" },
      xaxis: { type: "date", gridcolor: cssVar("--border", "#dde1e7") },
      yaxis: {
        title: { text: "Rank" }, autorange: "reversed", rangemode: "tozero", zeroline: false,
        gridcolor: cssVar("--border", "#dde1e7"),
      },
      legend: { orientation: "h", y: -0.18 },
      shapes: bounds.shapes,
      annotations: bounds.annotations,
      hovermode: "closest",
    };
    window.Plotly.react(el, traces, layout, { displayModeBar: false, responsive: true });
    el.setAttribute("data-chart-ready", "1");
  }

  function loadChart(el) {
    var status = el.querySelector("[data-chart-status]");
    if (status && !status.textContent) {
      status.textContent = "Loading the chart\u2026";
    }
    if (!window.Plotly) {
      if (status) {
        status.textContent = "The chart library could not be loaded; the table above has the latest ranks.";
      }
      el.setAttribute("data-chart-ready", "error");
      return Promise.resolve();
    }
    return getJSON(el.getAttribute("data-chart-url"))
      .then(function (chart) {
        draw(el, chart);
      })
      .catch(function (err) {
        if (status) {
          status.textContent = "The chart could not be loaded: " + err.message;
        }
        el.setAttribute("data-chart-ready", "error");
      });
  }

  function watchChart(el) {
    var jobId = parseInt(el.getAttribute("data-job-id"), 10);
    var pending = null;
    function reloadSoon() {
      if (pending) {
        window.clearTimeout(pending);
      }
      pending = window.setTimeout(function () {
        pending = null;
        loadChart(el);
      }, 700);
    }
    document.addEventListener("shelfscope:event", function (e) {
      var event = e.detail || {};
      var p = event.payload || {};
      if (event.type === "data_changed" && p.entity === "rank_jobs" && (!p.ids || p.ids.indexOf(jobId) >= 0)) {
        reloadSoon();
      } else if (event.type === "resync") {
        reloadSoon();
      }
    });
    window.setInterval(function () {
      var live = window.shelfscope && window.shelfscope.live;
      if (!live || !live.isOpen()) {
        loadChart(el);
      }
    }, FALLBACK_MS);
  }

  /* ------------------------------------------------------------------ schedule preview */

  function formatTime(iso) {
    var when = new Date(iso);
    return when.toLocaleString(undefined, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
    });
  }

  function enhancePreview(box) {
    var form = box.closest("form");
    var select = form && form.querySelector("select[name=frequency]");
    if (!select) {
      return;
    }
    select.addEventListener("change", function () {
      var url = box.getAttribute("data-preview-url") + "?frequency=" + encodeURIComponent(select.value);
      getJSON(url)
        .then(function (preview) {
          box.querySelector("[data-preview-first]").textContent = formatTime(preview.first_run_at);
          box.querySelector("[data-preview-following]").textContent = formatTime(preview.following_run_at);
          box.setAttribute("data-preview-frequency", select.value);
        })
        .catch(function () {
          /* the server-rendered preview stays */
        });
    });
  }

  function start() {
    // A link to one keyword (from an alert or a mover) opens at its chart.
    var focus = document.querySelector("[data-focus-chart]");
    if (focus && !window.location.hash) {
      focus.scrollIntoView({ block: "start" });
    }
    document.querySelectorAll("[data-rank-chart]").forEach(function (el) {
      loadChart(el);
      watchChart(el);
    });
    document.querySelectorAll("[data-schedule-preview]").forEach(enhancePreview);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
