// LocalModel, the playground's back end in the page, against the contract in the front end's plan:
// every message answered by one frame update (seq + 1), asynchronously; what each control does.
import test from "node:test";
import assert from "node:assert/strict";
import { GRID_SIZE, LocalModel, classGrid } from "../../helpers/playground/static/trainer.js";
import { fixture } from "./fixtures.mjs";

const table = fixture("table");
const sessions = fixture("sessions");
const SMALL = { points_per_class: 20, hidden_size: 10, num_iters: 100 };

/** Send `msg` and wait for its answer: exactly one frame update, after `send` returned, seq + 1. Returns the frame. */
async function ask(model, msg) {
  const before = model.get("frame").seq;
  let updates = 0;
  const count = () => updates++;
  model.on("change:frame", count);
  const answered = new Promise((resolve) => {
    const once = (_, frame) => {
      model.off("change:frame", once);
      resolve(frame);
    };
    model.on("change:frame", once);
  });
  model.send(msg);
  assert.equal(updates, 0, `${msg.type} was answered inside send`);
  const frame = await answered;
  await new Promise((resolve) => setTimeout(resolve, 5));
  model.off("change:frame", count);
  assert.equal(updates, 1, `${msg.type} was answered by ${updates} frame updates`);
  assert.equal(frame.seq, before + 1);
  return frame;
}

/** The loss history as the front end keeps it, from the curve of each frame. */
function follow(model) {
  const curve = [...model.get("frame").curve];
  model.on("change:frame", (_, frame) => {
    if (frame.curve_reset) curve.length = 0;
    curve.push(...frame.curve);
  });
  return curve;
}

async function catchUp(model) {
  let frames = 0;
  while (model.get("frame").catching_up) {
    await ask(model, { type: "frame" });
    frames++;
  }
  return frames;
}

test("every message is answered by exactly one frame update, seq + 1, never inside send", async () => {
  const model = new LocalModel({ table, settings: SMALL });
  assert.equal(model.get("frame").seq, 0);
  const messages = [{ type: "frame" }, { type: "play" }, { type: "frame" }, { type: "pause" }, { type: "step" },
    { type: "reset" }, { type: "set", name: "reg", value: 0.01 }, { type: "new_sample" },
    { type: "click", x: 0.5, y: -0.5, k: 1, held_out: false }, { type: "clear_points" }, { type: "empty_plane" },
    { type: "set", name: "noise", value: 7 }, { type: "nonsense" }];
  const reported = [];
  const consoleError = console.error;
  console.error = (error) => reported.push(String(error)); // the last two are bad: said on the console, and answered
  try {
    for (const msg of messages) await ask(model, msg);
  } finally {
    console.error = consoleError;
  }
  assert.equal(model.get("frame").seq, messages.length);
  assert.deepEqual(reported, ["RangeError: noise must be from 0 to 1; got 7",
    "RangeError: msg.type must be one of frame, set, play, pause, step, reset, new_sample, clear_points, " +
    "empty_plane, click; got \"nonsense\""]);
});

test("the frame carries every field of the contract, and the grid and points traits their shapes", () => {
  const model = new LocalModel({ table, settings: SMALL });
  const frame = model.get("frame");
  const fields = ["seq", "playing", "catching_up", "iteration", "target", "model", "K", "H", "extent", "grid_size",
    "train_loss", "held_out_loss", "train_accuracy", "held_out_accuracy", "n_train", "n_held_out", "last_step", "speed",
    "curve_reset", "curve", "num_iters", "hinges", "dead_units", "diverged", "data_version"];
  assert.deepEqual(Object.keys(frame).sort(), fields.sort());
  assert.deepEqual(frame.extent, [-1.5, 1.5, -1.5, 1.5]);
  const grid = model.get("grid");
  assert.ok(grid instanceof DataView);
  assert.equal(grid.byteLength, GRID_SIZE * GRID_SIZE);
  const cells = new Uint8Array(grid.buffer, grid.byteOffset, grid.byteLength);
  assert.deepEqual(cells, classGrid(model.session.params));
  const points = model.get("points");
  assert.equal(points.X.length, 2 * points.y.length);
  assert.equal(points.held_out.length, points.y.length);
  assert.equal(frame.n_train + frame.n_held_out, points.y.length);
  for (const hinge of frame.hinges) assert.equal(hinge.length, 5);
  assert.deepEqual(model.get("settings"), { ...Object.fromEntries(table.map((s) => [s.name, s.default])), ...SMALL });
});

test("a paused change retrains from the seed for num_iters iterations, in pieces, catching up", async () => {
  const model = new LocalModel({ table, settings: SMALL, frameTrainMs: 0 }); // one iteration a piece
  await catchUp(model);
  const curve = follow(model);
  const first = await ask(model, { type: "set", name: "reg", value: 0.01 });
  assert.equal(first.catching_up, true);
  assert.equal(first.target, 100);
  assert.equal(first.iteration, 1);
  assert.equal(first.curve_reset, true);
  const frames = await catchUp(model);
  const last = model.get("frame");
  assert.equal(frames, 99);
  assert.equal(last.iteration, 100);
  assert.equal(last.target, null);
  assert.equal(last.playing, false);
  // the front end's history: a point every record_every_for(100) = 2 iterations, as helpers' Session records
  assert.deepEqual(curve.map(([iteration]) => iteration), Array.from({ length: 51 }, (_, i) => 2 * i));
});

test("the same settings give the same run under different frame budgets", async (t) => {
  const whole = new LocalModel({ table, settings: SMALL, frameTrainMs: Infinity });
  const pieces = new LocalModel({ table, settings: SMALL, frameTrainMs: 0 });
  const wholeCurve = follow(whole);
  const piecesCurve = follow(pieces);
  assert.equal(whole.get("frame").catching_up, false);
  const frames = await catchUp(pieces);
  assert.deepEqual(piecesCurve, wholeCurve); // the retrain: the same points, the same losses, bit for bit
  await ask(whole, { type: "play" });
  await ask(pieces, { type: "play" });
  for (let i = 0; i < 3; i++) await ask(whole, { type: "frame" });
  while (pieces.get("frame").iteration < whole.get("frame").iteration) await ask(pieces, { type: "frame" });
  const byIteration = new Map(piecesCurve.map((point) => [point[0], point]));
  const compared = wholeCurve.filter(([iteration]) => iteration > 100);
  assert.deepEqual(compared.map(([iteration]) => iteration), [120, 140, 160]);
  for (const point of compared) assert.deepEqual(byIteration.get(point[0]), point);
  t.diagnostic(`the retrain in 1 piece and in ${frames + 1}; then playing, 3 frames of 20 iterations against ` +
    `${pieces.get("frame").seq - frames - 1} of ${pieces.get("frame").last_step}: the same losses at 120, 140, 160`);
});

test("Step trains speed iterations, all of them, whatever the frame budget", async () => {
  const model = new LocalModel({ table, settings: { ...SMALL, num_iters: 0 }, frameTrainMs: 0 });
  const frame = await ask(model, { type: "step" });
  assert.equal(frame.iteration, 20);
  assert.equal(frame.last_step, 20);
  assert.equal(frame.speed, 20);
});

test("while playing, a live change trains a frame at once; a reset setting starts again and keeps playing", async () => {
  const model = new LocalModel({ table, settings: SMALL, frameTrainMs: Infinity });
  await ask(model, { type: "play" });
  let frame = await ask(model, { type: "frame" });
  assert.equal(frame.iteration, 120);
  frame = await ask(model, { type: "set", name: "step_size", value: 0.1 });
  assert.equal(frame.iteration, 140);
  frame = await ask(model, { type: "set", name: "hidden_size", value: 20 });
  assert.equal(frame.iteration, 0);
  assert.equal(frame.playing, true);
  assert.equal(frame.H, 20);
  assert.equal(model.get("settings").hidden_size, 20);
  frame = await ask(model, { type: "set", name: "num_iters", value: 50 }); // pauses, then retrains
  assert.equal(frame.playing, false);
  assert.equal(frame.iteration, 50);
  frame = await ask(model, { type: "set", name: "speed", value: 5 }); // paused: only stored
  assert.equal(frame.iteration, 50);
  assert.equal(frame.speed, 5);
});

test("a click adds a point of its class, shift-click a held-out one; the data change and the run starts again", async () => {
  const model = new LocalModel({ table, settings: SMALL });
  const before = model.get("frame");
  let frame = await ask(model, { type: "click", x: 0.5, y: -0.25, k: 2, held_out: false });
  let points = model.get("points");
  assert.deepEqual(points.X.slice(-2), [0.5, -0.25]);
  assert.equal(points.y.at(-1), 2);
  assert.equal(points.held_out.at(-1), 0);
  assert.equal(frame.n_train, before.n_train + 1);
  assert.equal(frame.data_version, before.data_version + 1);
  frame = await ask(model, { type: "click", x: -1, y: 1, k: 0, held_out: true });
  points = model.get("points");
  assert.equal(points.held_out.at(-1), 1);
  assert.equal(frame.n_held_out, before.n_held_out + 1);
  assert.equal(frame.data_version, before.data_version + 2);
  frame = await ask(model, { type: "click", x: 0, y: 0, k: 3, held_out: false }); // no class 3 of 3: nothing added
  assert.equal(frame.data_version, before.data_version + 2);
});

test("Empty plane keeps only the points added; Clear my points brings back the spiral alone", async () => {
  const model = new LocalModel({ table, settings: SMALL });
  const spiral = model.get("frame").n_train;
  await ask(model, { type: "click", x: 0.5, y: 0.5, k: 0, held_out: false });
  await ask(model, { type: "click", x: -0.5, y: -0.5, k: 1, held_out: false });
  let frame = await ask(model, { type: "empty_plane" });
  assert.equal(frame.n_train, 2);
  assert.deepEqual(model.get("points").y, [0, 1]);
  frame = await ask(model, { type: "clear_points" });
  assert.equal(frame.n_train, spiral);
  frame = await ask(model, { type: "empty_plane" });
  assert.equal(frame.n_train, 0);
  assert.equal(frame.train_loss, null);
  frame = await ask(model, { type: "play" }); // nothing to train on: stays paused
  assert.equal(frame.playing, false);
});

test("at step size 100 training diverges and says why, as helpers does; a smaller step trains again", async () => {
  const expected = sessions.find((s) => s.settings.step_size === 100 && s.settings.model === "2-layer");
  const model = new LocalModel({ table, frameTrainMs: Infinity });
  let frame = await ask(model, { type: "set", name: "step_size", value: 100 });
  assert.equal(frame.diverged, expected.diverged.text); // str(helpers.train.Divergence), word for word
  assert.equal(frame.iteration, expected.diverged.iteration);
  assert.equal(frame.catching_up, false);
  frame = await ask(model, { type: "play" });
  assert.equal(frame.playing, false);
  frame = await ask(model, { type: "set", name: "step_size", value: 1 });
  assert.equal(frame.diverged, null);
  assert.equal(frame.iteration, 500);
});
