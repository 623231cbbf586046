// The admin console's live view: reads /admin/live.json (running totals of the server's counters) every second and
// charts the per-second rates with uPlot. Loaded as a file: the page's Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var KEYS = ["sign_ins", "authenticates", "failures", "rate_limit_trips"];
  var POINTS = 300;
  var data = [[]].concat(KEYS.map(function () { return []; }));
  var previous = null;
  var chart = null;
  var status = document.getElementById("live-status");
  var stopped = false;

  function makeChart() {
    var el = document.getElementById("chart");
    var colors = ["#0550ae", "#1a7f37", "#a40e26", "#bf8700"];
    var labels = ["Sign-ins/s", "Authenticates/s", "Failures/s", "Rate-limit trips/s"];
    chart = new uPlot({
      width: Math.max(320, el.clientWidth),
      height: 320,
      series: [{}].concat(labels.map(function (label, i) {
        return { label: label, stroke: colors[i], width: 2, value: function (u, v) { return v == null ? "-" : v.toFixed(1); } };
      })),
      axes: [{}, { label: "per second" }]
    }, data, el);
    window.addEventListener("resize", function () { chart.setSize({ width: Math.max(320, el.clientWidth), height: 320 }); });
  }

  function show(reading) {
    KEYS.forEach(function (k) { document.getElementById("total-" + k).textContent = String(reading[k]); });
    if (previous !== null) {
      var seconds = Math.max(0.001, (reading.at - previous.at) / 1000);
      data[0].push(reading.at / 1000);
      KEYS.forEach(function (k, i) {
        var rate = Math.max(0, (reading[k] - previous[k]) / seconds);
        data[i + 1].push(rate);
        document.getElementById("rate-" + k).textContent = rate.toFixed(1);
      });
      if (data[0].length > POINTS) { data.forEach(function (series) { series.shift(); }); }
      chart.setData(data);
      status.textContent = "Updated " + new Date(reading.at).toISOString().substring(11, 19) + " UTC.";
      document.body.setAttribute("data-live-readings", String(data[0].length));
    }
    previous = reading;
  }

  function poll() {
    if (stopped) { return; }
    fetch("/admin/live.json", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) {
        stopped = true;
        status.textContent = "Signed out: reload the page to sign in again.";
        return null;
      }
      return r.ok ? r.json() : null;
    }).then(function (reading) {
      if (reading) { show(reading); }
    }).catch(function () {
      status.textContent = "The server did not answer; retrying.";
    }).finally(function () {
      if (!stopped) { setTimeout(poll, 1000); }
    });
  }

  makeChart();
  poll();
})();
