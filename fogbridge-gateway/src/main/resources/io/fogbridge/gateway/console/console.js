// The overview's charts: uPlot over the columns /console/overview/chart returns, refreshed every 2 s
// (with the htmx fragment's poll, one request a second per open page), and the device page's sparklines. No other
// script runs on the pages.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("charts");
    if (!box || typeof uPlot === "undefined") {
      return;
    }
    var series = [
      ["received", "received/s"],
      ["kafka", "in Kafka/s"],
      ["backlog", "spool backlog (records)"]
    ];
    var plots = series.map(function (s) {
      var div = document.createElement("div");
      div.className = "chart";
      div.setAttribute("data-series", s[0]);
      box.appendChild(div);
      var width = Math.max(280, Math.min(box.clientWidth || 600, 1100));
      return new uPlot({
        title: s[1],
        width: width,
        height: 160,
        series: [{}, { label: s[1], stroke: "#1e88e5", width: 2 }]
      }, [[], []], div);
    });
    function refresh() {
      fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (d) {
            plots.forEach(function (p, i) { p.setData([d.time, d[series[i][0]]]); });
            box.setAttribute("data-points", String(d.time.length));
            box.setAttribute("data-latest", d.time.length ? String(d.time[d.time.length - 1]) : "");
          }
        })
        .catch(function () { /* the next tick tries again */ })
        .finally(function () { setTimeout(refresh, 2000); });
    }
    refresh();
  }
  // The device page's sparklines: the fragment htmx swaps in carries each numeric field's points in data-times and
  // data-values (the CSP allows no inline script); drawn again after every swap.
  function sparklines(root) {
    if (typeof uPlot === "undefined" || !root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("figure.sparkline[data-values]").forEach(function (figure) {
      var times = figure.getAttribute("data-times").split(",").map(Number);
      var values = figure.getAttribute("data-values").split(",").map(Number);
      var plot = document.createElement("div");
      figure.insertBefore(plot, figure.firstChild);
      figure.sparkline = new uPlot({
        width: 200,
        height: 48,
        legend: { show: false },
        cursor: { show: false },
        axes: [{ show: false }, { show: false }],
        series: [{}, { stroke: "#1e88e5", width: 1.5, points: { show: times.length < 3 } }]
      }, [times, values], plot);
      figure.setAttribute("data-drawn", "true");
    });
  }
  function startAll() {
    start();
    sparklines(document);
    // uPlot listens on the window (resize): the plots of a fragment about to be replaced are destroyed first, or
    // an open device page would pile up one dead plot per field every refresh.
    document.body.addEventListener("htmx:beforeSwap", function (e) {
      if (e.target.querySelectorAll) {
        e.target.querySelectorAll("figure.sparkline").forEach(function (figure) {
          if (figure.sparkline) {
            figure.sparkline.destroy();
            figure.sparkline = null;
          }
        });
      }
    });
    document.body.addEventListener("htmx:afterSwap", function (e) { sparklines(e.target); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
