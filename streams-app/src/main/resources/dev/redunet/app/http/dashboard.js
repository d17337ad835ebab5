// The live dashboard: polls /model, /model/history and /metrics once a second and draws with uPlot
// (from its WebJar, served by the application). Nothing is loaded from anywhere else.
(function () {
  "use strict";
  var POLL_MS = 1000;
  var times = [], accuracy = [], versions = [];
  var lastAccepted = null, lastAt = null;
  var built = {};

  function el(id) { return document.getElementById(id); }

  function metrics(text) {
    var out = {};
    text.split("\n").forEach(function (line) {
      if (!line || line.charAt(0) === "#") { return; }
      var i = line.lastIndexOf(" ");
      out[line.substring(0, i)] = parseFloat(line.substring(i + 1));
    });
    return out;
  }

  function rows(table, data) {
    var body = el(table).tBodies[0];
    body.innerHTML = "";
    data.forEach(function (cells) {
      var tr = document.createElement("tr");
      cells.forEach(function (c) {
        var td = document.createElement("td");
        td.textContent = c;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  var plot = new uPlot({
    width: Math.min(1100, window.innerWidth - 60), height: 260,
    scales: { x: { time: true }, acc: { range: [0, 1] }, v: {} },
    series: [
      {},
      { label: "prequential accuracy", scale: "acc", stroke: "#1565c0", width: 2 },
      { label: "model version", scale: "v", stroke: "#ef6c00", width: 1 }
    ],
    axes: [{}, { scale: "acc", label: "accuracy" }, { scale: "v", side: 1, label: "version", grid: { show: false } }]
  }, [times, accuracy, versions], el("chart"));

  var windows = new uPlot({
    width: Math.min(1100, window.innerWidth - 60), height: 220,
    scales: { x: { time: true }, y: { range: [-1, 1] } },
    series: [
      {},
      { label: "window accuracy", stroke: "#1565c0", width: 2, points: { show: true } },
      { label: "window kappa", stroke: "#2e7d32", width: 2, points: { show: true } }
    ],
    axes: [{}, { label: "accuracy, kappa" }]
  }, [[], [], []], el("windows"));

  function fixed(x, digits) { return x === null || x === undefined ? "–" : x.toFixed(digits); }

  function history(h) {
    var vs = (h && h.versions) || [];
    var t = [], acc = [], kappa = [];
    vs.forEach(function (v) {
      t.push(Date.parse(v.built_at) / 1000);
      acc.push(v.accuracy === undefined ? null : v.accuracy);
      kappa.push(v.kappa === undefined ? null : v.kappa);
    });
    windows.setData([t, acc, kappa]);
    el("windows").setAttribute("data-points", String(vs.filter(function (v) { return v.accuracy !== null; }).length));
    if (vs.length > 0) {
      var last = vs[vs.length - 1];
      el("windowAccuracy").textContent = fixed(last.accuracy, 4);
      el("kappa").textContent = fixed(last.kappa, 4);
      el("threshold").textContent = last.novelty_threshold === null ? "" :
        "threshold " + last.novelty_threshold.toFixed(3) + " bits/dim; " + last.novel_in_window + " in the last window";
      rows("versions", vs.slice(-10).reverse().map(function (v) {
        return ["v" + v.version, v.built_at, v.window_labelled, fixed(v.accuracy, 4), fixed(v.kappa, 4),
          v.novel_in_window, v.clusters_updated];
      }));
    }
    return vs.length;
  }

  function poll() {
    Promise.all([
      fetch("/metrics").then(function (r) { return r.text(); }),
      fetch("/model").then(function (r) { return r.ok ? r.json() : null; }),
      fetch("/model/history").then(function (r) { return r.ok ? r.json() : null; })
    ]).then(function (res) {
      var fromHistory = history(res[2]);
      el("status").textContent = "";
      var m = metrics(res[0]);
      var now = Date.now() / 1000;
      var acc = m["redunet_prequential_accuracy"];
      var accepted = m["redunet_ingress_accepted_total"];
      el("accuracy").textContent = isNaN(acc) ? "–" : acc.toFixed(4);
      el("accepted").textContent = isNaN(accepted) ? "–" : accepted.toFixed(0);
      el("novel").textContent = (m["redunet_scoring_novel_total"] || 0).toFixed(0);
      el("clusters").textContent = (m["redunet_clusters_published_total"] || 0).toFixed(0);
      if (lastAccepted !== null && now > lastAt) {
        el("rate").textContent = ((accepted - lastAccepted) / (now - lastAt)).toFixed(1);
      }
      lastAccepted = accepted; lastAt = now;
      var rejected = [];
      Object.keys(m).forEach(function (k) {
        var r = /^redunet_ingress_rejected_total\{reason="([A-Z_]+)"\}$/.exec(k);
        if (r && m[k] > 0) { rejected.push([r[1], m[k].toFixed(0)]); }
      });
      rows("rejected", rejected);
      var model = res[1] && res[1].model;
      if (model) {
        el("version").textContent = "v" + model.version;
        el("built").textContent = "built " + model.built_at + " in " + model.rebuild_seconds.toFixed(2) + " s";
        built[model.version] = model.built_at;
        rows("layers", model.layers.map(function (l) {
          return [l.layer, l.r.toFixed(3), l.rc.toFixed(3), l.delta_r.toFixed(3)];
        }));
        rows("classes", model.classes.map(function (c) { return [c.name, c.count.toFixed(0)]; }));
        if (fromHistory === 0) { // another instance computes the versions: those seen here
          rows("versions", Object.keys(built).map(Number).sort(function (a, b) { return b - a; })
            .slice(0, 10).map(function (v) { return ["v" + v, built[v], "", "", "", "", ""]; }));
        }
      }
      if (!isNaN(acc) || model) {
        times.push(now);
        accuracy.push(isNaN(acc) ? null : acc);
        versions.push(model ? model.version : 0);
        plot.setData([times, accuracy, versions]);
        el("chart").setAttribute("data-points", String(times.length));
      }
    }).catch(function (e) {
      el("status").textContent = "(not reachable: " + e + ")";
    }).then(function () { setTimeout(poll, POLL_MS); });
  }
  poll();
}());
