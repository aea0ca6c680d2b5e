// The overview's charts: uPlot over the columns /console/overview/chart returns, refreshed every 2 s
// (with the htmx fragment's poll, one request a second per open page). No other script runs on the pages.
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
