// The subcontracting network around one provider: a layered drawing on <svg>, no library.
// Levels: negative above (who subcontracts to it), 0 the centre, positive below.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var svg = document.getElementById("dependence-network");
  if (!svg) { return; }
  var status = document.getElementById("dependence-network-status");

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function draw(data) {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    if (!data.nodes.length) { status.textContent = "No subcontracting links to draw."; return; }
    var width = svg.clientWidth || 900, height = 560;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    var levels = {};
    data.nodes.forEach(function (n) { (levels[n.level] = levels[n.level] || []).push(n); });
    var keys = Object.keys(levels).map(Number).sort(function (a, b) { return a - b; });
    var position = {};
    keys.forEach(function (level, column) {
      var nodes = levels[level];
      nodes.sort(function (a, b) { return b.critical - a.critical || a.name.localeCompare(b.name); });
      var x = 70 + column * (width - 140) / Math.max(keys.length - 1, 1);
      nodes.forEach(function (n, row) {
        position[n.id] = {x: keys.length === 1 ? width / 2 : x,
                          y: 20 + (row + 0.5) * (height - 40) / nodes.length};
      });
    });
    var links = el("g", {stroke: "#adb5bd", "stroke-width": "1"}, svg);
    data.links.forEach(function (l) {
      var a = position[l.source], b = position[l.target];
      if (a && b) { el("line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y}, links); }
    });
    var group = el("g", {}, svg);
    data.nodes.forEach(function (n) {
      var p = position[n.id];
      var g = el("g", {transform: "translate(" + p.x + "," + p.y + ")", tabindex: "0",
                       role: "button", "aria-label": n.name}, group);
      g.dataset.id = n.id;
      var circle = el("circle", {r: n.id === data.centre ? 9 : 6,
                                 fill: n.spof ? "#dc3545" : (n.id === data.centre ? "#0d6efd" : "#6c757d"),
                                 stroke: "#212529", "stroke-width": n.arrangements ? 2.5 : 0.5}, g);
      el("title", {}, circle).textContent = n.name + " (" + n.country + ")" +
        (n.arrangements ? ", " + n.arrangements + " live arrangements, " + n.critical + " critical" : "") +
        (n.spof ? ", single point of failure" : "");
      if (levels[n.level].length <= 25 || n.id === data.centre) {
        var label = el("text", {x: 10, y: 4, "font-size": "11", fill: "#212529"}, g);
        label.textContent = n.name.length > 28 ? n.name.slice(0, 27) + "…" : n.name;
      }
      g.addEventListener("click", function () { load(n.id); });
      g.addEventListener("keydown", function (event) { if (event.key === "Enter") { load(n.id); } });
      g.addEventListener("dblclick", function () { window.location.href = n.url; });
    });
    var centre = data.nodes.filter(function (n) { return n.id === data.centre; })[0];
    status.textContent = (centre ? centre.name + ": " : "") + data.nodes.length + " providers, " +
      data.links.length + " links" + (data.truncated ? " (cut at 120 providers)" : "") + ".";
  }

  function load(provider) {
    var url = svg.dataset.url + (provider ? "?provider=" + encodeURIComponent(provider) : "");
    status.textContent = "Loading…";
    fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(draw)
      .catch(function () { status.textContent = "The network could not be loaded."; });
  }

  load(svg.dataset.provider);
})();
