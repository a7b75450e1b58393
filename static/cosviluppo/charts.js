/* Draws every bar chart on the page from its JSON data (templates/includes/chart.html).
   No inline script: the Content Security Policy forbids it, so the data travel in
   <script type="application/json"> elements and this file reads them. */
(function () {
  "use strict";

  // Each colour has a contrast of at least 4.5:1 against white (WCAG 2.1 AA).
  var PALETTE = ["#0066cc", "#a66300", "#00796b", "#b3261e", "#5e35b1", "#2e7d32", "#6d4c41", "#c2185b"];

  function locale() {
    return document.documentElement.lang === "it" ? "it-IT" : "en-GB";
  }

  function formatter(money, compact) {
    var options = money ? { style: "currency", currency: "EUR" } : { maximumFractionDigits: 0 };
    if (compact) {
      options.notation = "compact";
      options.maximumFractionDigits = 1;
    }
    return new Intl.NumberFormat(locale(), options);
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var full = formatter(data.money, false);
    var short = formatter(data.money, true);
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var valueAxis = data.horizontal ? "x" : "y";
    var scales = { x: { stacked: data.stacked }, y: { stacked: data.stacked } };
    scales[valueAxis].beginAtZero = true;
    scales[valueAxis].ticks = { callback: function (value) { return short.format(value); } };

    // The canvas is shown, and the table folded away, only once the chart can be drawn.
    canvas.parentElement.hidden = false;
    var table = document.querySelector('[data-chart-table="' + canvas.dataset.chart + '"]');
    if (table) {
      table.open = false;
    }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (dataset, index) {
          var colour = PALETTE[index % PALETTE.length];
          return {
            label: dataset.label,
            data: dataset.values.map(Number),
            backgroundColor: colour,
            borderColor: colour,
          };
        }),
      },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 400 },
        locale: locale(),
        scales: scales,
        plugins: {
          legend: { display: data.datasets.length > 1, labels: { color: "#1a1a1a" } },
          tooltip: {
            callbacks: {
              label: function (context) {
                var value = data.horizontal ? context.parsed.x : context.parsed.y;
                return context.dataset.label + ": " + full.format(value);
              },
            },
          },
        },
      },
    });
  }

  function useThePageFont() {
    // The canvas does not inherit CSS: give Chart.js the page's font and a dark text colour.
    window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#333333";
  }

  function drawAll(root) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (!canvas.dataset.drawn) {
        canvas.dataset.drawn = "1";
        draw(canvas);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof window.Chart !== "undefined") {
      useThePageFont();
    }
    drawAll(document);
  });
  // Content swapped in by htmx may bring new charts.
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
