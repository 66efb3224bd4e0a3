// Draws the dashboard's charts from the figures the page carries in a json_script element.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-chart");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    var calm = { responsive: true, maintainAspectRatio: false, animation: false,
      interaction: { mode: "index", intersect: false } };
    var daily = document.querySelector('canvas[data-chart="daily"]');
    if (daily) {
      new Chart(daily, {
        type: "line",
        data: { labels: data.days, datasets: [
          // Subscribers are readings, not every day's: each is a point, joined across
          // the days between (no reading there, not a zero).
          { label: data.labels.followers, data: data.followers, borderColor: "#1f5f8b",
            backgroundColor: "#1f5f8b", pointRadius: 3, spanGaps: true, yAxisID: "y" },
          { label: data.labels.visitors, data: data.visitors, borderColor: "#c65d00",
            pointRadius: 0, yAxisID: "y1" }
        ] },
        options: Object.assign({}, calm, { scales: {
          y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } }
        } })
      });
    }
    var weekly = document.querySelector('canvas[data-chart="weekly"]');
    if (weekly) {
      new Chart(weekly, {
        type: "bar",
        data: { labels: data.weeks, datasets: [
          { label: data.labels.views, data: data.views, backgroundColor: "#1f5f8b", yAxisID: "y" },
          { label: data.labels.posts, data: data.posts, backgroundColor: "#8e24aa", yAxisID: "y1",
            type: "line" }
        ] },
        options: Object.assign({}, calm, { scales: {
          y: { position: "left" }, y1: { position: "right", grid: { drawOnChartArea: false } }
        } })
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
