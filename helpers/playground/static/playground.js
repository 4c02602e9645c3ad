// The playground's front end: one plain ES module, no bundler, `export default { render }` (anywidget's API).
//
// It draws everything in the browser: the decision regions from a class grid (bytes) and the line where the
// class changes, the points in each class's colour and marker shape, the hinge lines, the loss curves, the
// status line; and it makes the controls, native HTML, from the settings table. It talks to a back end only through
// `model.get`, `model.set`, `model.save_changes`, `model.on`, `model.off` and `model.send`, so that a
// kernel (helpers/playground/widget.py) or a JavaScript trainer (trainer.js's LocalModel) can drive it.
//
// Pacing: at most one request outstanding. An update of `frame` is drawn in the next animation frame;
// after drawing, if the run is playing or catching up and nothing is outstanding, the next frame is
// asked for. A user's action waits behind the request outstanding (a newer value of the same setting
// replaces an older one still waiting). A slow back end drops frames; nothing queues.
//
// The loss curves come as increments (`curve_reset` false) after a whole history (`curve_reset` true); a view
// whose first frame is an increment sends `{type: "history"}` once, answered by one update with the whole history
// (the kernel's widget answers it; a back end with one view, whose first update is whole, never gets it).
//
// Every text shown (status line, the plot's label, the live region) is composed from the frame's
// fields here, in `statusLine`, `plotLabel` and `announcement`.

const PT = 4 / 3; // CSS pixels per point
const ANNOUNCE_MS = 4000; // the live region speaks at most this often
const PLOT = { size: 300, left: 46, top: 26, right: 10, bottom: 40 }; // the decision-region plot, CSS px
const LOSS = { width: 360, height: 300, left: 50, top: 26, right: 22, bottom: 40 }; // the loss plot's area
const FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const LEFT_GROUPS = ["step_size", "reg", "hidden_size", "num_iters"];

// ------------------------------------------------------------------------------------------ numbers

/** The smallest number s * 10**k (s in `steps`) that is >= value > 0: the top of an axis. */
export function niceCeiling(value, steps = [1, 2, 5]) {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`value must be a finite number > 0; got ${value}`);
  const exponent = Math.floor(Math.log10(value));
  for (const power of [exponent, exponent + 1]) {
    for (const s of steps) {
      const candidate = s * 10 ** power;
      if (candidate >= value * (1 - 1e-12)) return candidate;
    }
  }
  return 10 ** (exponent + 1);
}

/** The loss plot's axes: `{xMax, yMax}` for the losses shown, K classes, the iteration, the run's length,
 * and whether training diverged (then the run up to the blow-up, at a readable scale). */
export function lossAxes({ losses, K, iteration, numIters, diverged }) {
  const chance = Math.log(K);
  const finite = losses.filter((v) => v !== null && Number.isFinite(v));
  let yMax = Math.ceil((1.1 * Math.max(chance, ...finite)) / 0.5) * 0.5;
  let xMax = niceCeiling(Math.max(100, iteration, numIters));
  if (diverged) {
    yMax = Math.min(yMax, Math.ceil(3 * chance));
    xMax = niceCeiling(Math.max(10, 1.2 * iteration));
  }
  return { xMax, yMax };
}

/** A slider's readout: its setting's format, or 3 significant digits for a value between its positions
 * (noise 0.35 would read "0.3" in the one-decimal format of noise's positions). */
export function readoutOf(setting, value) {
  if (isPosition(setting.positions, value)) return formatValue(setting, value);
  return /%$/.test(setting.readout || "") ? `${formatG(100 * value, 3)}%` : formatG(value, 3);
}

/** Whether `value` is one of a slider's `positions`, to 1e-9 relative (a position computed another way). */
function isPosition(positions, value) {
  return positions.some((p) => Math.abs(p - value) <= 1e-9 * Math.abs(value));
}

/** A slider's `positions` with `value` added in order, unless it is one of them already. */
export function withPosition(positions, value) {
  if (isPosition(positions, value)) return positions;
  return [...positions, value].sort((a, b) => a - b);
}

/** Tick positions 0, step, ... up to `top`, with a round step giving about `count` intervals. */
export function ticks(top, count = 5) {
  const step = niceCeiling(top / count);
  const out = [];
  for (let i = 0; i * step <= top * (1 + 1e-9); i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/** `x` with `digits` decimals, rounded as Python's format does (a tie of the exact binary value to even). */
export function fixed(x, digits) {
  const exact = x.toFixed(Math.min(100, digits + 60)); // the exact decimal expansion, far enough
  const cut = exact.indexOf(".") + digits + 1;
  const rest = exact.slice(cut).replace(/0+$/, "");
  const head = exact.slice(0, digits ? cut : cut - 1);
  if (rest !== "5") return x.toFixed(digits);
  const last = Number(head[head.length - 1]);
  if (last % 2 === 0) return head; // a tie: to even, down
  return x.toFixed(digits); // to even, up (toFixed rounds ties up)
}

/** `x` as Python's `format(x, ".{precision}g")` writes it: 0.001, 1e-05, 3.16, 100. */
export function formatG(x, precision = 3) {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const [mantissa, exp] = x.toExponential(precision - 1).split("e");
  const exponent = Number(exp);
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exponent < -4 || exponent >= precision) {
    const sign = exponent < 0 ? "-" : "+";
    return `${strip(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return strip(x.toFixed(Math.max(0, precision - 1 - exponent)));
}

/** A setting's value as its control's readout shows it (the table's `readout`, a Python format spec). */
export function formatValue(setting, value) {
  const spec = setting.readout || "";
  let m = /^\.(\d+)f$/.exec(spec);
  if (m) return value.toFixed(Number(m[1]));
  m = /^\.(\d+)%$/.exec(spec);
  if (m) return `${(100 * value).toFixed(Number(m[1]))}%`;
  if (setting.kind === "log") return formatG(value, 3);
  if (setting.kind === "option") return (setting.options.find((o) => o.value === value) || { label: value }).label;
  return String(value);
}

// ------------------------------------------------------------------------------------------ texts

function modelLabel(table, model) {
  const setting = table.find((s) => s.name === "model");
  const option = setting && setting.options.find((o) => o.value === model);
  return option ? option.label : model;
}

/** One line naming the model and its training settings, as helpers.playground.state.describe_settings. */
export function describeSettings(settings, table) {
  let text = modelLabel(table, settings.model);
  if (settings.model === "2-layer") text += `, hidden size ${settings.hidden_size}`;
  return `${text}, step size ${formatG(settings.step_size, 3)}, reg ${formatG(settings.reg, 3)}`;
}

/** The status line under the figure, from the frame's fields: the same words as state.status_text. */
export function statusLine(frame, settings, table) {
  const where = `[${describeSettings(settings, table)}]`;
  if (frame.diverged) {
    const text = frame.diverged;
    return `${text[0].toUpperCase()}${text.slice(1)}. Nothing worth plotting was learned; ` +
      `set a smaller step size (releasing the slider trains again from the start). ${where}`;
  }
  if (frame.n_train === 0) {
    return `No training points: click on the plot to add some (shift-click adds a held-out point). ${where}`;
  }
  const parts = [`Iteration ${frame.iteration}`, `training loss ${fixed(frame.train_loss, 3)}`];
  if (frame.catching_up) {
    parts[0] = `Catching up with the new settings: iteration ${frame.iteration} of ${frame.target}`;
  }
  if (frame.n_held_out) parts.push(`held-out loss ${fixed(frame.held_out_loss, 3)}`);
  parts.push(`training accuracy ${fixed(frame.train_accuracy, 2)}`);
  if (frame.n_held_out) parts.push(`held-out accuracy ${fixed(frame.held_out_accuracy, 2)}`);
  if (frame.last_step > 0 && frame.last_step < frame.speed) {
    parts.push(`${frame.last_step} of the ${frame.speed} iterations a frame fitted in the last frame's time`);
  }
  const chance = Math.log(frame.K);
  if (frame.train_loss > chance + 5e-4) {
    parts.push(`worse than guessing every class equally (ln ${frame.K} = ${fixed(chance, 3)})`);
  }
  if (frame.H !== null && frame.H !== undefined) parts.push(`${frame.dead_units} of ${frame.H} hidden units dead`);
  return `${parts.join("; ")}. ${pointCounts(frame)} ${where}`;
}

/** The title over the decision regions. */
export function plotTitle(frame, table) {
  const model = modelLabel(table, frame.model) + (frame.H ? ` (H = ${frame.H})` : "");
  return (frame.diverged ? "Diverged: " : "Decision regions: ") + model;
}

/** The decision-region plot's accessible name: the model, the iteration, the loss and the accuracy. */
export function plotLabel(frame, table) {
  const model = modelLabel(table, frame.model) + (frame.H ? ` with ${frame.H} hidden units` : "");
  if (frame.diverged) return `Decision regions of the ${model}: ${frame.diverged}.`;
  if (frame.n_train === 0) return `An empty plane for the ${model}: no training points yet.`;
  let text = `Decision regions of the ${model} on ${frame.K} classes at iteration ${frame.iteration}: ` +
    `training loss ${fixed(frame.train_loss, 3)}, training accuracy ${fixed(frame.train_accuracy, 2)}`;
  if (frame.n_held_out) {
    text += `, held-out loss ${fixed(frame.held_out_loss, 3)}, held-out accuracy ${fixed(frame.held_out_accuracy, 2)}`;
  }
  return `${text}. ${pointCounts(frame)}.`;
}

/** "240 training and 60 held-out points" (the noun follows the last count). */
export function pointCounts(frame) {
  return `${frame.n_train} training and ${frame.n_held_out} held-out point${frame.n_held_out === 1 ? "" : "s"}`;
}

/** What the live region says: shorter than the status line, for a screen reader every few seconds. */
export function announcement(frame) {
  if (frame.diverged) return `Training stopped: ${frame.diverged}.`;
  if (frame.n_train === 0) return "No training points.";
  const state = frame.playing ? "Playing" : frame.catching_up ? "Catching up" : "Paused";
  let text = `${state}, iteration ${frame.iteration}, training loss ${fixed(frame.train_loss, 2)}, ` +
    `training accuracy ${fixed(frame.train_accuracy, 2)}`;
  if (frame.n_held_out) text += `, held-out accuracy ${fixed(frame.held_out_accuracy, 2)}`;
  return `${text}.`;
}

/** The loss curves to draw: the recorded points, and where training stands if it is past the last one. */
export function curveWithNow(curve, frame) {
  const last = curve.length ? curve[curve.length - 1][0] : -1;
  if (frame.diverged || frame.iteration <= last || frame.train_loss === null && frame.held_out_loss === null) {
    return curve;
  }
  return [...curve, [frame.iteration, frame.train_loss, frame.held_out_loss]];
}

// ------------------------------------------------------------------------------------------ the boundary

/**
 * Where the predicted class changes: the cell edges between horizontally or vertically neighbouring cells
 * of different class, as `[[x0, y0, x1, y1], ...]` in data coordinates, each a straight run of such edges.
 *
 * grid: G * G class indices, row-major, row 0 at the top (y = y_max), column 0 at the left (x = x_min);
 * cell (i, j) spans x in [x_min + j * dx, x_min + (j + 1) * dx] and y in [y_max - (i + 1) * dy, y_max - i * dy]
 * (dx = (x_max - x_min) / G, dy = (y_max - y_min) / G), its centre the point its class was predicted at.
 * extent: [x_min, x_max, y_min, y_max]. Vertical runs come first (left to right, top to bottom), then horizontal
 * ones (top to bottom, left to right).
 */
export function regionEdges(grid, G, extent) {
  if (!Number.isInteger(G) || G < 1) throw new RangeError(`G must be an integer >= 1; got ${G}`);
  if (!grid || grid.length !== G * G) {
    throw new RangeError(`grid must hold G * G = ${G * G} class indices; got ${grid ? grid.length : grid}`);
  }
  if (!extent || extent.length !== 4) throw new RangeError(`extent must be [x_min, x_max, y_min, y_max]; got ${extent}`);
  const [xMin, xMax, yMin, yMax] = extent;
  const dx = (xMax - xMin) / G, dy = (yMax - yMin) / G;
  const edges = [];
  // along the line between columns c - 1 and c: x = x_min + c * dx, rows [start, i) differ across it
  for (let c = 1; c < G; c++) {
    let start = -1;
    for (let i = 0; i <= G; i++) {
      const differs = i < G && grid[i * G + c - 1] !== grid[i * G + c];
      if (differs && start < 0) start = i;
      if (!differs && start >= 0) {
        edges.push([xMin + c * dx, yMax - start * dy, xMin + c * dx, yMax - i * dy]);
        start = -1;
      }
    }
  }
  // along the line between rows r - 1 and r: y = y_max - r * dy, columns [start, j) differ across it
  for (let r = 1; r < G; r++) {
    let start = -1;
    for (let j = 0; j <= G; j++) {
      const differs = j < G && grid[(r - 1) * G + j] !== grid[r * G + j];
      if (differs && start < 0) start = j;
      if (!differs && start >= 0) {
        edges.push([xMin + start * dx, yMax - r * dy, xMin + j * dx, yMax - r * dy]);
        start = -1;
      }
    }
  }
  return edges;
}

// ------------------------------------------------------------------------------------------ shapes

// Matplotlib's marker outlines at size 1 (a circle's diameter is 1), one closed polygon each; "o" is a circle.
const SHAPES = {
  "^": [[0, -0.5], [-0.5, 0.5], [0.5, 0.5]],
  v: [[0, 0.5], [-0.5, -0.5], [0.5, -0.5]],
  s: [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]],
  D: [[0, -Math.SQRT1_2], [Math.SQRT1_2, 0], [0, Math.SQRT1_2], [-Math.SQRT1_2, 0]],
  P: [[-1, -3], [1, -3], [1, -1], [3, -1], [3, 1], [1, 1], [1, 3], [-1, 3], [-1, 1], [-3, 1], [-3, -1], [-1, -1]]
    .map(([x, y]) => [x / 6, y / 6]),
};

function polygonArea(points) {
  let twice = 0;
  points.forEach(([x0, y0], i) => {
    const [x1, y1] = points[(i + 1) % points.length];
    twice += x0 * y1 - x1 * y0;
  });
  return Math.abs(twice) / 2;
}

/** Each shape's scale: halfway (geometrically) between the circle's size and its area, as helpers.plotting. */
const SCALE = Object.fromEntries(Object.entries(SHAPES).map(([m, p]) => [m, Math.sqrt(Math.sqrt((Math.PI / 4) / polygonArea(p)))]));

/** Trace marker `marker` of diameter `d` (px) centred at (x, y) as the context's current path. */
function markerPath(ctx, marker, x, y, d) {
  ctx.beginPath();
  const shape = SHAPES[marker];
  if (!shape) {
    ctx.arc(x, y, d / 2, 0, 2 * Math.PI);
    return;
  }
  const s = d * SCALE[marker];
  shape.forEach(([px, py], i) => (i ? ctx.lineTo(x + s * px, y + s * py) : ctx.moveTo(x + s * px, y + s * py)));
  ctx.closePath();
}

/** Draw one point: training filled with its class's colour; held out hollow (a ring on a black outline). */
function drawPoint(ctx, style, k, x, y, heldOut) {
  const cls = style.classes[k];
  const d = style.marker_diameter_pt * PT;
  markerPath(ctx, cls.marker, x, y, d);
  if (heldOut) {
    ctx.lineWidth = style.held_out_outline_pt * PT;
    ctx.strokeStyle = "#000";
    ctx.stroke();
    ctx.fillStyle = "#fff";
    ctx.fill();
    ctx.lineWidth = style.held_out_ring_pt * PT;
    ctx.strokeStyle = cls.colour;
    ctx.stroke();
  } else {
    ctx.fillStyle = cls.colour;
    ctx.fill();
    ctx.lineWidth = style.training_edge_pt * PT;
    ctx.strokeStyle = "#000";
    ctx.stroke();
  }
}

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

// ------------------------------------------------------------------------------------------ the DOM

const CSS = `
.spiral-playground { font: 13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #000;
  background: #fff; padding: 4px; max-width: 100%; }
.spiral-playground .pg-row { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 14px; margin: 4px 0; }
.spiral-playground .pg-columns { display: flex; flex-wrap: wrap; gap: 4px 28px; }
.spiral-playground .pg-column { display: flex; flex-direction: column; gap: 2px; }
.spiral-playground .pg-slider { display: grid; grid-template-columns: 120px 170px 64px; align-items: center; gap: 6px; }
.spiral-playground .pg-slider input { width: 170px; margin: 0; }
.spiral-playground .pg-readout { font-variant-numeric: tabular-nums; }
.spiral-playground fieldset { border: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; align-items: center;
  gap: 4px 10px; }
.spiral-playground legend { float: left; padding: 0; margin-right: 8px; }
.spiral-playground label { cursor: pointer; }
.spiral-playground button { font: inherit; padding: 3px 10px; min-width: 4.5em; border: 1px solid #555;
  border-radius: 3px; background: #f3f3f3; color: #000; cursor: pointer; }
.spiral-playground button:disabled { color: #555; border-color: #999; cursor: default; }
.spiral-playground button[aria-pressed="true"] { background: #dde8f3; }
.spiral-playground :focus-visible { outline: 2px solid #005A9C; outline-offset: 2px; }
.spiral-playground .pg-swatch { display: inline-block; vertical-align: middle; margin-right: 3px; }
.spiral-playground .pg-figure { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px; margin-top: 6px; }
.spiral-playground .pg-plot { position: relative; }
.spiral-playground .pg-regions { position: absolute; image-rendering: pixelated; image-rendering: crisp-edges; }
.spiral-playground .pg-overlay { position: relative; display: block; }
.spiral-playground .pg-overlay.pg-clickable { cursor: crosshair; }
.spiral-playground .pg-legend { list-style: none; margin: 26px 0 0 0; padding: 0; font-size: 12px; }
.spiral-playground .pg-legend li { display: flex; align-items: center; gap: 4px; margin: 2px 0; }
.spiral-playground .pg-loss-legend { display: flex; flex-wrap: wrap; gap: 0 14px; margin: 0 0 0 50px; }
.spiral-playground .pg-status { margin: 6px 0 0 0; max-width: 780px; line-height: 1.35; }
.spiral-playground .pg-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
`;

function make(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("aria-") || key.startsWith("data-") || key === "role" || key === "for") {
      node.setAttribute(key, value);
    } else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A canvas of `width` x `height` CSS pixels, drawn at the device's pixel ratio; returns [canvas, ctx]. */
function hiDpiCanvas(width, height, props = {}) {
  const ratio = window.devicePixelRatio || 1;
  const canvas = make("canvas", props);
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return [canvas, ctx];
}

function markerSwatch(style, k, heldOut = false, size = 14) {
  const [canvas, ctx] = hiDpiCanvas(size, size, { class: "pg-swatch", "aria-hidden": "true" });
  drawPoint(ctx, style, k, size / 2, size / 2, heldOut);
  return canvas;
}

function lineSwatch(colour, dash, width, alpha = 1) {
  const [canvas, ctx] = hiDpiCanvas(24, 10, { class: "pg-swatch", "aria-hidden": "true" });
  ctx.globalAlpha = alpha;
  ctx.strokeStyle = colour;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(1, 5);
  ctx.lineTo(23, 5);
  ctx.stroke();
  return canvas;
}

let instances = 0; // a prefix for ids and radio names, unique per view on the page

// ------------------------------------------------------------------------------------------ render

function render({ model, el }) {
  const id = `spiral-playground-${++instances}`;
  const table = model.get("table");
  // "style_table", not "style": a widget view takes a "style" attribute for a style widget of its own
  const style = model.get("style_table");
  const shown = new Set(model.get("shown"));
  const listeners = [];
  const on = (name, callback) => {
    model.on(name, callback);
    listeners.push([name, callback]);
  };

  // ---------------------------------------------------------------- pacing and messages
  let outstanding = false; // a message sent and not answered yet
  let drawnSeq = -1; // the frame last drawn
  let rafId = 0;
  const waiting = []; // the user's messages, sent one at a time

  function pump() {
    if (outstanding) return;
    let msg = waiting.shift();
    if (!msg) {
      const frame = model.get("frame");
      if (!frame || frame.seq !== drawnSeq || !(frame.playing || frame.catching_up)) return;
      msg = { type: "frame" };
    }
    outstanding = true;
    model.send(msg);
  }

  function request(msg) {
    if (msg.type === "set") {
      const older = waiting.findIndex((m) => m.type === "set" && m.name === msg.name);
      if (older >= 0) waiting.splice(older, 1);
    }
    waiting.push(msg);
    pump();
  }

  function scheduleDraw() {
    if (!rafId) rafId = requestAnimationFrame(drawFrame);
  }

  // ---------------------------------------------------------------- the controls
  // The page around it (JupyterLab's notebook) must not take the keys its controls use: arrows, Space, Home, End.
  const root = make("div", { class: "spiral-playground", id, "data-lm-suppress-shortcuts": "true" });
  root.addEventListener("keydown", (event) => event.stopPropagation());
  root.append(make("style", { text: CSS }));
  const controls = {}; // name -> {set(value)}: shows a setting's value

  function slider(s) {
    const inputId = `${id}-${s.name}`;
    let positions = s.positions; // the table's, and the current value if it lies between two of them
    const input = make("input", { type: "range", id: inputId, min: 0, max: positions.length - 1, step: 1,
      class: `pg-setting-${s.name}`, "data-setting": s.name, title: s.help });
    const readout = make("output", { class: "pg-readout", "for": inputId, "aria-hidden": "true" });
    const show = (i) => {
      const text = readoutOf(s, positions[i]);
      readout.textContent = text;
      input.setAttribute("aria-valuetext", text);
    };
    input.addEventListener("input", () => show(Number(input.value)));
    input.addEventListener("change", () => request({ type: "set", name: s.name, value: positions[Number(input.value)] }));
    controls[s.name] = {
      set(value) {
        // a value set from code or a link need not be one of the slider's positions: it becomes one
        positions = withPosition(s.positions, value);
        input.max = positions.length - 1;
        const distance = (p) => (s.kind === "log" ? Math.abs(Math.log(p / value)) : Math.abs(p - value));
        const best = positions.reduce((b, p, i) => (distance(p) < distance(positions[b]) ? i : b), 0);
        if (document.activeElement !== input) input.value = best;
        show(Number(input.value));
      },
      input,
    };
    return make("div", { class: "pg-slider" }, [make("label", { "for": inputId, text: s.label, title: s.help }),
      input, readout]);
  }

  function radios(name, legendText, options, onChoose, extraClass = "") {
    const field = make("fieldset", { class: `pg-radios ${extraClass}`, role: "radiogroup" });
    field.append(make("legend", { text: legendText }));
    const inputs = options.map((o, i) => {
      const input = make("input", { type: "radio", name: `${id}-${name}`, value: String(i), id: `${id}-${name}-${i}` });
      input.addEventListener("change", () => input.checked && onChoose(o.value));
      field.append(make("label", { "for": input.id, title: o.help || "" }, [input, o.swatch, ` ${o.label}`]));
      return input;
    });
    return { field, inputs };
  }

  function option(s) {
    const { field, inputs } = radios(s.name, s.label, s.options, (value) => request({ type: "set", name: s.name, value }),
      `pg-setting-${s.name}`);
    field.title = s.help;
    controls[s.name] = { set: (value) => inputs.forEach((input, i) => (input.checked = s.options[i].value === value)) };
    return field;
  }

  const controlFor = (s) => (s.kind === "option" ? option(s) : slider(s));
  const inGroup = (group) => table.filter((s) => s.control !== false && s.group === group && shown.has(group));

  const button = (text, cls, help, msg) => {
    const b = make("button", { type: "button", class: cls, text, title: help });
    if (msg) b.addEventListener("click", () => request(msg));
    return b;
  };
  const playButton = button("Play", "pg-play", "train, frame by frame");
  playButton.setAttribute("aria-pressed", "false");
  playButton.addEventListener("click", () => request({ type: model.get("frame").playing ? "pause" : "play" }));
  const stepButton = button("Step", "pg-step", "one frame of training", { type: "step" });
  const form = make("div", { class: "pg-controls" });
  if (shown.has("transport")) {
    form.append(make("div", { class: "pg-row" }, [playButton, stepButton,
      button("Reset", "pg-reset", "back to the starting weights, iteration 0", { type: "reset" }),
      ...inGroup("transport").map(controlFor)]));
  }
  if (shown.has("model")) form.append(make("div", { class: "pg-row" }, inGroup("model").map(controlFor)));
  const left = LEFT_GROUPS.flatMap(inGroup).map(controlFor);
  const right = inGroup("data").map(controlFor);
  if (shown.has("data")) {
    right.push(make("div", {}, [button("New sample", "pg-new-sample", "draw the spiral again, from the next seed",
      { type: "new_sample" })]));
  }
  if (left.length || right.length) {
    form.append(make("div", { class: "pg-columns" }, [make("div", { class: "pg-column" }, left),
      make("div", { class: "pg-column" }, right)]));
  }
  let clickClass = 0;
  const clickRow = make("div", { class: "pg-row" });
  function makeClickClasses(K) {
    if (!shown.has("draw")) return;
    clickClass = clickClass < K ? clickClass : 0;
    const options = Array.from({ length: K }, (_, k) => ({ value: k, label: `class ${k}`, swatch: markerSwatch(style, k) }));
    const { field, inputs } = radios("click-class", "click adds", options, (k) => (clickClass = k), "pg-click-class");
    inputs[clickClass].checked = true;
    clickRow.replaceChildren(field, button("Clear my points", "pg-clear-points", "remove the points you added",
      { type: "clear_points" }), button("Empty plane", "pg-empty-plane", "remove the spiral, keep your points",
      { type: "empty_plane" }));
  }
  if (shown.has("draw")) form.append(clickRow);
  const checkbox = (trait, text) => {
    const input = make("input", { type: "checkbox", id: `${id}-${trait}`, class: `pg-${trait.replace(/_/g, "-")}` });
    input.checked = model.get(trait);
    input.addEventListener("change", () => {
      model.set(trait, input.checked);
      model.save_changes();
      scheduleDraw();
    });
    on(`change:${trait}`, () => {
      input.checked = model.get(trait);
      scheduleDraw();
    });
    return make("label", { "for": input.id }, [input, ` ${text}`]);
  };
  if (shown.has("view")) {
    form.append(make("div", { class: "pg-row" }, [checkbox("show_held_out", "show held-out points"),
      checkbox("show_hinges", "show where each hidden unit switches on")]));
  }
  root.append(form);

  // ---------------------------------------------------------------- the figure
  const plotWidth = PLOT.left + PLOT.size + PLOT.right;
  const plotHeight = PLOT.top + PLOT.size + PLOT.bottom;
  const regions = make("canvas", { class: "pg-regions", "aria-hidden": "true" });
  Object.assign(regions.style, { left: `${PLOT.left}px`, top: `${PLOT.top}px`, width: `${PLOT.size}px`,
    height: `${PLOT.size}px` });
  const [overlay, ctx] = hiDpiCanvas(plotWidth, plotHeight, { class: "pg-overlay", role: "img",
    "data-plot": JSON.stringify([PLOT.left, PLOT.top, PLOT.size]) }); // where the plane sits, CSS px
  if (shown.has("draw")) overlay.classList.add("pg-clickable");
  const legend = make("ul", { class: "pg-legend", "aria-label": "legend" });
  const lossWidth = LOSS.left + LOSS.width + LOSS.right;
  const lossHeight = LOSS.top + LOSS.height + LOSS.bottom;
  const [lossCanvas, lctx] = hiDpiCanvas(lossWidth, lossHeight, { class: "pg-loss", role: "img" });
  const lossLegend = make("ul", { class: "pg-legend pg-loss-legend", "aria-label": "loss legend" });
  root.append(make("div", { class: "pg-figure" }, [make("div", { class: "pg-plot" }, [regions, overlay]), legend,
    make("div", { class: "pg-loss-column", style: `width: ${lossWidth}px` }, [lossCanvas, lossLegend])]));
  const status = make("p", { class: "pg-status" });
  const live = make("div", { class: "pg-sr-only", "aria-live": "polite", role: "status" });
  root.append(status, live);
  el.append(root);

  // ---------------------------------------------------------------- state kept between frames
  let curve = []; // [[iteration, training loss, held-out loss], ...] recorded
  let points = { X: [], y: [], held_out: [] };
  let legendKey = "";
  let announced = "", announcedAt = -Infinity, announceTimer = 0;
  let K = 0;

  function takeFrame() {
    const frame = model.get("frame");
    if (frame.curve_reset) curve = frame.curve.slice();
    else curve.push(...frame.curve);
    outstanding = false;
    scheduleDraw();
    pump();
  }

  function toPixel(frame, x, y) {
    const [xMin, xMax, yMin, yMax] = frame.extent;
    return [PLOT.left + ((x - xMin) / (xMax - xMin)) * PLOT.size, PLOT.top + ((yMax - y) / (yMax - yMin)) * PLOT.size];
  }

  /** The class grid's bytes (anywidget gives a DataView). */
  function gridBytes() {
    const view = model.get("grid");
    return view instanceof DataView ? new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
      : new Uint8Array(view.buffer || view);
  }

  function drawRegions(frame, grid) {
    const G = frame.grid_size;
    if (regions.width !== G) {
      regions.width = G;
      regions.height = G;
    }
    const rctx = regions.getContext("2d");
    const image = rctx.createImageData(G, G);
    const palette = style.classes.map((c) => hexToRgb(c.region));
    for (let i = 0; i < G * G; i++) {
      const [r, g, b] = palette[grid[i]] || [255, 255, 255];
      image.data[4 * i] = r;
      image.data[4 * i + 1] = g;
      image.data[4 * i + 2] = b;
      image.data[4 * i + 3] = 255;
    }
    rctx.putImageData(image, 0, 0);
  }

  function drawAxesFrame(c, x0, y0, w, h) {
    c.strokeStyle = style.text_colour;
    c.lineWidth = 1;
    c.strokeRect(x0 + 0.5, y0 + 0.5, w - 1, h - 1);
  }

  /** The thin line where the predicted class changes, under the hinge lines and the points. */
  function drawBoundary(frame, grid) {
    const edges = regionEdges(grid, frame.grid_size, frame.extent);
    ctx.beginPath();
    for (const [ax, ay, bx, by] of edges) {
      ctx.moveTo(...toPixel(frame, ax, ay));
      ctx.lineTo(...toPixel(frame, bx, by));
    }
    ctx.strokeStyle = style.boundary.colour;
    ctx.lineWidth = style.boundary.width_pt * PT;
    ctx.lineCap = "square"; // the runs meet at the staircase's corners without a notch
    ctx.stroke();
    ctx.lineCap = "butt";
    return edges.length;
  }

  function drawPlot(frame, grid) {
    const showHinges = model.get("show_hinges");
    const showHeldOut = model.get("show_held_out");
    const [xMin, xMax, yMin, yMax] = frame.extent;
    ctx.clearRect(0, 0, plotWidth, plotHeight);
    regions.style.visibility = frame.diverged ? "hidden" : "visible";
    ctx.save();
    ctx.beginPath();
    ctx.rect(PLOT.left, PLOT.top, PLOT.size, PLOT.size);
    ctx.clip();
    if (frame.diverged) {
      ctx.fillStyle = "#fff";
      ctx.fillRect(PLOT.left, PLOT.top, PLOT.size, PLOT.size);
    }
    const edges = frame.diverged ? 0 : drawBoundary(frame, grid);
    let hinges = 0;
    if (showHinges && frame.hinges.length) {
      const h = style.hinge;
      ctx.globalAlpha = h.alpha;
      for (const [ax, ay, bx, by, dead] of frame.hinges) {
        ctx.beginPath();
        ctx.strokeStyle = dead ? h.dead_colour : h.colour;
        ctx.lineWidth = h.width_pt * PT;
        ctx.setLineDash(dead ? h.dead_dash.map((v) => v * h.width_pt * PT) : []);
        ctx.moveTo(...toPixel(frame, ax, ay));
        ctx.lineTo(...toPixel(frame, bx, by));
        ctx.stroke();
        hinges++;
      }
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
    }
    const { X, y, held_out: heldOut } = points;
    let drawn = 0;
    for (const wantHeldOut of [0, 1]) {
      if (wantHeldOut && !showHeldOut) continue;
      for (let i = 0; i < y.length; i++) {
        if (heldOut[i] !== wantHeldOut || y[i] >= frame.K) continue;
        const [px, py] = toPixel(frame, X[2 * i], X[2 * i + 1]);
        drawPoint(ctx, style, y[i], px, py, wantHeldOut === 1);
        drawn++;
      }
    }
    const message = frame.diverged
      ? [`Training diverged at iteration ${frame.iteration}`, `(${(frame.diverged.split("; ").pop() || "")}).`, "",
        "Set a smaller step size: releasing", "the slider trains again from the start."]
      : frame.n_train === 0 ? ["Click to add points", "(shift-click: a held-out point)"] : null;
    if (message) {
      ctx.font = FONT;
      const width = Math.max(...message.map((line) => ctx.measureText(line).width)) + 20;
      const height = 16 * message.length + 12;
      const cx = PLOT.left + PLOT.size / 2, cy = PLOT.top + PLOT.size / 2;
      const colour = frame.diverged ? style.divergence_colour : style.text_colour;
      ctx.fillStyle = "rgba(255, 255, 255, 0.95)";
      ctx.strokeStyle = colour;
      ctx.beginPath();
      ctx.roundRect ? ctx.roundRect(cx - width / 2, cy - height / 2, width, height, 6)
        : ctx.rect(cx - width / 2, cy - height / 2, width, height);
      ctx.fill();
      ctx.stroke();
      ctx.fillStyle = colour;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      message.forEach((line, i) => ctx.fillText(line, cx, cy - height / 2 + 14 + 16 * i));
    }
    ctx.restore();
    drawAxesFrame(ctx, PLOT.left, PLOT.top, PLOT.size, PLOT.size);
    // ticks and labels
    ctx.font = FONT;
    ctx.fillStyle = style.text_colour;
    ctx.strokeStyle = style.text_colour;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let v = Math.ceil(xMin); v <= xMax; v += 1) {
      const [px] = toPixel(frame, v, 0);
      ctx.beginPath();
      ctx.moveTo(px, PLOT.top + PLOT.size);
      ctx.lineTo(px, PLOT.top + PLOT.size + 4);
      ctx.stroke();
      ctx.fillText(String(v), px, PLOT.top + PLOT.size + 6);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = Math.ceil(yMin); v <= yMax; v += 1) {
      const [, py] = toPixel(frame, 0, v);
      ctx.beginPath();
      ctx.moveTo(PLOT.left - 4, py);
      ctx.lineTo(PLOT.left, py);
      ctx.stroke();
      ctx.fillText(String(v), PLOT.left - 6, py);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "alphabetic";
    ctx.fillText("x₀", PLOT.left + PLOT.size / 2, plotHeight - 6);
    ctx.save();
    ctx.translate(14, PLOT.top + PLOT.size / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("x₁", 0, 0);
    ctx.restore();
    ctx.font = `bold ${FONT}`;
    ctx.fillStyle = frame.diverged ? style.divergence_colour : style.text_colour;
    ctx.fillText(plotTitle(frame, table), PLOT.left + PLOT.size / 2, PLOT.top - 9);
    overlay.setAttribute("aria-label", plotLabel(frame, table));
    root.dataset.points = String(drawn);
    root.dataset.hinges = String(hinges);
    root.dataset.edges = String(edges);
  }

  function drawLoss(frame) {
    const c = lctx;
    const shownCurve = curveWithNow(curve, frame);
    const losses = shownCurve.flatMap(([, a, b]) => [a, b]);
    const { xMax, yMax } = lossAxes({ losses, K: frame.K, iteration: frame.iteration, numIters: frame.num_iters,
      diverged: Boolean(frame.diverged) });
    const X0 = LOSS.left, Y0 = LOSS.top, W = LOSS.width, H = LOSS.height;
    const px = (it) => X0 + (it / xMax) * W;
    const py = (loss) => Y0 + H - (loss / yMax) * H;
    c.clearRect(0, 0, lossWidth, lossHeight);
    c.font = FONT;
    c.fillStyle = style.text_colour;
    c.strokeStyle = style.text_colour;
    c.lineWidth = 1;
    // grid and ticks
    c.textAlign = "center";
    c.textBaseline = "top";
    for (const t of ticks(xMax)) {
      c.strokeStyle = "#e4e4e4";
      c.beginPath();
      c.moveTo(Math.round(px(t)) + 0.5, Y0);
      c.lineTo(Math.round(px(t)) + 0.5, Y0 + H);
      c.stroke();
      c.strokeStyle = style.text_colour;
      c.beginPath();
      c.moveTo(Math.round(px(t)) + 0.5, Y0 + H);
      c.lineTo(Math.round(px(t)) + 0.5, Y0 + H + 4);
      c.stroke();
      c.fillText(String(t), px(t), Y0 + H + 6);
    }
    c.textAlign = "right";
    c.textBaseline = "middle";
    for (const t of ticks(yMax, 4)) {
      c.strokeStyle = "#e4e4e4";
      c.beginPath();
      c.moveTo(X0, Math.round(py(t)) + 0.5);
      c.lineTo(X0 + W, Math.round(py(t)) + 0.5);
      c.stroke();
      c.strokeStyle = style.text_colour;
      c.beginPath();
      c.moveTo(X0 - 4, Math.round(py(t)) + 0.5);
      c.lineTo(X0, Math.round(py(t)) + 0.5);
      c.stroke();
      c.fillText(String(t), X0 - 6, py(t));
    }
    c.save();
    c.beginPath();
    c.rect(X0, Y0, W, H);
    c.clip();
    const loss = style.loss;
    const line = (colour, width, dash) => {
      c.strokeStyle = colour;
      c.lineWidth = width * PT;
      c.setLineDash(dash.map((v) => v * width * PT));
    };
    line(loss.chance_colour, loss.chance_width_pt, loss.chance_dash);
    c.beginPath();
    c.moveTo(X0, py(Math.log(frame.K)));
    c.lineTo(X0 + W, py(Math.log(frame.K)));
    c.stroke();
    for (const [column, dash] of [[1, loss.training_dash], [2, loss.held_out_dash]]) {
      line(loss.colour, loss.width_pt, dash);
      c.beginPath();
      let started = false;
      for (const point of shownCurve) {
        const value = point[column];
        if (value === null || !Number.isFinite(value)) continue;
        const [x, y] = [px(point[0]), py(Math.min(value, 10 * yMax))];
        if (started) c.lineTo(x, y);
        else c.moveTo(x, y);
        started = true;
      }
      c.stroke();
    }
    c.setLineDash([]);
    if (frame.diverged) {
      c.strokeStyle = style.divergence_colour;
      c.setLineDash([4, 3]);
      c.beginPath();
      c.moveTo(px(frame.iteration), Y0);
      c.lineTo(px(frame.iteration), Y0 + H);
      c.stroke();
      c.setLineDash([]);
    }
    c.restore();
    drawAxesFrame(c, X0, Y0, W, H);
    c.fillStyle = style.text_colour;
    c.textAlign = "right";
    c.textBaseline = "top";
    c.font = `bold 14px system-ui, sans-serif`;
    const counter = `iteration ${frame.iteration}` + (frame.catching_up ? ` of ${frame.target}` : "");
    c.fillText(counter, X0 + W - 6, Y0 + 6);
    c.font = FONT;
    c.textAlign = "center";
    c.textBaseline = "alphabetic";
    c.fillText("iteration", X0 + W / 2, lossHeight - 6);
    c.save();
    c.translate(14, Y0 + H / 2);
    c.rotate(-Math.PI / 2);
    c.fillText("loss (cross-entropy)", 0, 0);
    c.restore();
    c.font = `bold ${FONT}`;
    c.fillText("Loss on the data (no L2 term)", X0 + W / 2, Y0 - 9);
    const last = shownCurve[shownCurve.length - 1];
    lossCanvas.setAttribute("aria-label", `Loss curves up to iteration ${frame.iteration}` +
      (last && last[1] !== null ? `: training loss ${fixed(last[1], 3)}` : "") +
      (last && last[2] !== null && last[2] !== undefined ? `, held-out loss ${fixed(last[2], 3)}` : "") +
      `; guessing every class equally would give ln ${frame.K} = ${fixed(Math.log(frame.K), 3)}.`);
  }

  function drawLegends(frame) {
    const showHinges = model.get("show_hinges") && frame.H;
    const key = `${frame.K}|${frame.n_held_out > 0}|${showHinges}|${Boolean(frame.diverged)}`;
    if (key === legendKey) return;
    legendKey = key;
    const item = (swatch, text) => make("li", {}, [swatch, text]);
    const classes = Array.from({ length: frame.K }, (_, k) => item(markerSwatch(style, k), `class ${k}`));
    const greyPoint = (heldOut) => {
      const [canvas, c] = hiDpiCanvas(14, 14, { class: "pg-swatch", "aria-hidden": "true" });
      markerPath(c, "o", 7, 7, style.marker_diameter_pt * PT);
      c.lineWidth = (heldOut ? style.held_out_ring_pt : style.training_edge_pt) * PT;
      c.fillStyle = heldOut ? "#fff" : "#888";
      c.strokeStyle = "#000";
      c.fill();
      c.stroke();
      return canvas;
    };
    const h = style.hinge;
    const present = (...items) => items.filter(Boolean);
    legend.replaceChildren(...present(...classes, item(greyPoint(false), "training point"),
      frame.n_held_out ? item(greyPoint(true), "held-out point") : null,
      showHinges ? item(lineSwatch(h.colour, [], h.width_pt * PT * 1.5, h.alpha + 0.2), "a unit turns on") : null,
      showHinges ? item(lineSwatch(h.dead_colour, h.dead_dash.map((v) => v * h.width_pt * PT * 1.5),
        h.width_pt * PT * 1.5, h.alpha + 0.2), "dead unit") : null));
    const loss = style.loss;
    const chance = Math.log(frame.K);
    lossLegend.replaceChildren(...present(
      item(lineSwatch(loss.colour, [], loss.width_pt * PT), "training loss"),
      frame.n_held_out ? item(lineSwatch(loss.colour, loss.held_out_dash.map((v) => v * loss.width_pt * PT),
        loss.width_pt * PT), "held-out loss") : null,
      item(lineSwatch(loss.chance_colour, loss.chance_dash.map((v) => v * loss.chance_width_pt * PT * 2),
        loss.chance_width_pt * PT * 1.5), `chance, ln ${frame.K} = ${fixed(chance, 3)}`),
      frame.diverged ? item(lineSwatch(style.divergence_colour, [4, 3], 1), "training diverged") : null));
  }

  function announce(frame) {
    const text = announcement(frame);
    if (text === announced) return;
    const wait = announcedAt + ANNOUNCE_MS - performance.now();
    if (wait > 0) {
      if (!announceTimer) {
        announceTimer = setTimeout(() => {
          announceTimer = 0;
          announce(model.get("frame"));
        }, wait);
      }
      return;
    }
    announced = text;
    announcedAt = performance.now();
    live.textContent = text;
  }

  function showControls(frame) {
    const settings = model.get("settings");
    for (const [name, control] of Object.entries(controls)) if (name in settings) control.set(settings[name]);
    if (controls.hidden_size && controls.hidden_size.input) controls.hidden_size.input.disabled = settings.model === "linear";
    playButton.textContent = frame.playing ? "Pause" : "Play";
    playButton.setAttribute("aria-pressed", String(frame.playing));
    stepButton.disabled = frame.playing;
    if (frame.K !== K) {
      K = frame.K;
      makeClickClasses(K);
    }
  }

  function drawFrame() {
    rafId = 0;
    const frame = model.get("frame");
    if (!frame || frame.seq === undefined) return;
    showControls(frame);
    const grid = gridBytes();
    if (!frame.diverged) drawRegions(frame, grid);
    drawPlot(frame, grid);
    drawLoss(frame);
    drawLegends(frame);
    const settings = model.get("settings");
    status.textContent = statusLine(frame, settings, table);
    status.style.color = frame.diverged ? style.divergence_colour : style.text_colour;
    announce(frame);
    drawnSeq = frame.seq;
    root.dataset.seq = String(frame.seq);
    root.dataset.draws = String(Number(root.dataset.draws || 0) + 1);
    pump();
  }

  // ---------------------------------------------------------------- events
  overlay.addEventListener("click", (event) => {
    if (!shown.has("draw")) return;
    const frame = model.get("frame");
    const box = overlay.getBoundingClientRect();
    const sx = (event.clientX - box.left) * (plotWidth / box.width) - PLOT.left;
    const sy = (event.clientY - box.top) * (plotHeight / box.height) - PLOT.top;
    if (sx < 0 || sy < 0 || sx > PLOT.size || sy > PLOT.size) return;
    const [xMin, xMax, yMin, yMax] = frame.extent;
    request({ type: "click", x: xMin + (sx / PLOT.size) * (xMax - xMin), y: yMax - (sy / PLOT.size) * (yMax - yMin),
      k: clickClass, held_out: event.shiftKey });
  });
  const onPoints = () => {
    points = model.get("points") || points;
    scheduleDraw();
  };
  on("change:frame", takeFrame);
  on("change:points", onPoints);
  on("change:settings", scheduleDraw);
  onPoints();
  const first = model.get("frame");
  if (first && first.seq !== undefined) {
    curve = first.curve.slice();
    // A frame without curve_reset holds only the loss points new since the update before it: a view opened
    // late (a second view, a notebook reopened on a live kernel) asks for the whole history, sent back with
    // curve_reset true. A back end's first update is always a reset, so a view opened with it never asks.
    if (!first.curve_reset) request({ type: "history" });
    const reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (reduced && first.playing) request({ type: "pause" }); // no motion that the reader did not start
    drawFrame();
  }
  return () => {
    for (const [name, callback] of listeners) model.off(name, callback);
    if (rafId) cancelAnimationFrame(rafId);
    if (announceTimer) clearTimeout(announceTimer);
  };
}

export default { render };
