// The playground's page: the notebook's front end (anywidget's `render`) drawing the JavaScript
// trainer's LocalModel, with no kernel, and the settings in the address's #hash.
//
// Opened from the disk (file://), Chromium refuses to import sibling ES modules or fetch files, so
// build.py embeds both modules' source in the page (#pg-data) and they are imported from Blob URLs.
// A classic script, so that it runs from file:// too.
(function () {
  "use strict";
  var MAX_SEED = 4294967295; // the data seed seeds MT19937: a 32-bit unsigned integer
  var TOLERANCE = 1e-9; // a log setting's bounds, computed here and in Python, may differ in the last bit
  var SHORTENED = 2e-3; // how far 3 significant digits of a slider's position may lie from it

  // what only the live playground needs (the ready links, the word that it plays by itself)
  document.querySelectorAll(".pg-needs-js").forEach(function (el) { el.hidden = false; });
  var root = document.getElementById("playground");
  var note = document.querySelector(".pg-note");
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  var table = data.table;
  var byName = {};
  table.forEach(function (s) { byName[s.name] = s; });

  // ------------------------------------------------------------------ the hash

  function boundsText(s) {
    if (s.kind === "log") return "between " + Math.pow(10, s.low) + " and " + Math.pow(10, s.high);
    if (s.high === null && s.positions.length) return "one of " + s.positions.join(", ");
    if (s.high === null) return s.integer ? "an integer from " + s.low + " to " + MAX_SEED : "a number from " + s.low;
    return (s.integer ? "an integer" : "a number") + " from " + s.low + " to " + s.high;
  }

  // A value from the hash, checked against its setting: {value} or {why} (what was expected).
  function checkValue(s, raw) {
    if (s.kind === "option") {
      var values = s.options.map(function (o) { return String(o.value); });
      var i = values.indexOf(raw);
      return i >= 0 ? {value: s.options[i].value} : {why: s.label + " must be one of " + values.join(", ")};
    }
    var x = raw.trim() === "" ? NaN : Number(raw);
    var expected = {why: s.label + " must be " + boundsText(s)};
    if (!isFinite(x)) return expected;
    if (s.kind === "log") {
      var low = Math.pow(10, s.low), high = Math.pow(10, s.high);
      return x >= low * (1 - TOLERANCE) && x <= high * (1 + TOLERANCE) ? {value: onPosition(s, x)} : expected;
    }
    if (s.integer && !Number.isInteger(x)) return expected;
    if (s.low !== null && x < s.low) return expected;
    if (s.high !== null && x > s.high) return expected;
    // no upper bound: only the slider's positions (a hidden size of a million would stall the page)
    if (s.high === null && s.positions.length && s.positions.indexOf(x) < 0) return expected;
    if (s.integer && x > MAX_SEED) return expected;
    return {value: onPosition(s, x)};
  }

  // The slider position that a value written to 3 significant digits stands for (0.316 for 10^-0.5), or the
  // value itself: one between two positions (a step size of 0.15) stays as it is, and the slider shows it.
  function onPosition(s, x) {
    for (var i = 0; i < s.positions.length; i++) {
      if (Math.abs(s.positions[i] - x) <= SHORTENED * Math.abs(s.positions[i])) return s.positions[i];
    }
    return x;
  }

  // A value as the address writes it: 3 significant digits, which read back as the same position.
  function written3(value) {
    return typeof value === "number" ? String(Number(value.toPrecision(3))) : String(value);
  }

  // The settings a hash asks for: {settings: {name: value} (complete: defaults for the rest), ignored: [text]}.
  function parseHash(hash) {
    var settings = Object.assign({}, data.defaults), ignored = [];
    var text = hash.replace(/^#/, "");
    if (!text) return {settings: settings, ignored: ignored};
    text.split("&").forEach(function (part) {
      if (!part) return;
      var eq = part.indexOf("=");
      var key, raw;
      try {
        key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
        raw = eq < 0 ? "" : decodeURIComponent(part.slice(eq + 1));
      } catch {
        ignored.push("“" + part + "” (not readable)");
        return;
      }
      var s = byName[key];
      if (!s) {
        ignored.push("“" + key + "” (no such setting)");
        return;
      }
      var checked = checkValue(s, raw);
      if ("why" in checked) ignored.push("“" + key + "=" + raw + "” (" + checked.why + "; the default is used)");
      else settings[key] = checked.value;
    });
    return {settings: settings, ignored: ignored};
  }

  // The hash of `settings`: the values that differ from the defaults, in the table's order ("" for the defaults).
  function hashOf(settings) {
    var parts = [];
    table.forEach(function (s) {
      var value = settings[s.name];
      if (value !== undefined && value !== data.defaults[s.name]) {
        parts.push(encodeURIComponent(s.name) + "=" + encodeURIComponent(written3(value)));
      }
    });
    return parts.length ? "#" + parts.join("&") : "";
  }

  function showNote(ignored) {
    if (!ignored.length) {
      note.hidden = true;
      note.textContent = "";
      return;
    }
    note.textContent = "Not taken from the address: " + ignored.join("; ") + ".";
    note.hidden = false;
  }

  function showFailure(error) {
    note.textContent = "The live playground could not start (" + error + "). The figure below is a still of its " +
      "default run.";
    note.hidden = false;
  }

  // ------------------------------------------------------------------ the live playground

  function importSource(src) {
    var url = URL.createObjectURL(new Blob([src], {type: "text/javascript"}));
    return import(url).finally(function () { URL.revokeObjectURL(url); });
  }

  var modules = null; // {frontend, trainer}, once imported
  var running = null; // {model, cleanup, el}
  var written = null; // the hash this page last wrote itself (no restart for it)

  function writeHash(settings) {
    var hash = hashOf(settings);
    if (hash === (location.hash === "#" ? "" : location.hash)) return;
    written = hash;
    history.replaceState(null, "", hash || location.pathname + location.search);
  }

  function stop() {
    if (!running) return;
    if (typeof running.cleanup === "function") running.cleanup();
    running.el.remove();
    running = null;
  }

  // A new live playground at the hash's settings, in place of the one running.
  function start() {
    stop();
    var parsed = parseHash(location.hash);
    showNote(parsed.ignored);
    var el = document.createElement("div");
    el.className = "pg-widget";
    root.appendChild(el);
    running = {model: null, cleanup: null, el: el};
    // With reduced motion nothing moves by itself: the first retrain is finished before the first picture
    // (a retrain is otherwise drawn as it goes), then later changes keep to the usual frame budget.
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var model = new modules.trainer.LocalModel({table: table, style: data.style, settings: parsed.settings,
      frameTrainMs: reduced ? Infinity : undefined});
    if (reduced) model.frameTrainMs = modules.trainer.FRAME_TRAIN_MS;
    running.model = model;
    running.cleanup = modules.frontend.default.render({model: model, el: el});
    root.classList.add("pg-running"); // the still gives way to the live playground
    model.on("change:settings", function () {
      writeHash(model.get("settings"));
      showNote([]); // the address is now the reader's own: what a link asked for is past
    });
    // Autoplay as a reader's click on Play would: the front end sends it when nothing else is outstanding.
    var play = el.querySelector(".pg-play");
    if (!reduced && play) play.click();
  }

  // Never a broken page: if the playground cannot start, the still stays, with a note saying why.
  function startOrFail() {
    try {
      start();
    } catch (error) {
      fail(error);
    }
  }

  function fail(error) {
    try {
      stop();
    } catch {
      running = null;
    }
    root.querySelectorAll(".pg-widget").forEach(function (el) { el.remove(); });
    root.classList.remove("pg-running");
    showFailure(error && error.message ? error.message : error);
  }

  window.addEventListener("hashchange", function () {
    var hash = location.hash === "#" ? "" : location.hash;
    if (hash === written) return;
    written = null;
    if (modules) startOrFail();
  });

  Promise.all([importSource(data.modules.frontend), importSource(data.modules.trainer)]).then(function (loaded) {
    modules = {frontend: loaded[0], trainer: loaded[1]};
    startOrFail();
  }, fail);

  // for the tests and the curious: the hash's reading, and the model the front end draws
  window.bookPlayground = {
    parseHash: parseHash,
    hashOf: hashOf,
    model: function () { return running && running.model; }
  };
})();
