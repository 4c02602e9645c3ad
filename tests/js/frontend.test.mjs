// The playground front end's pure functions (helpers/playground/static/playground.js), under Node's test runner:
//   node --test tests/js/
// The status line is also checked against the kernel's own (tests/test_playground.py); these pin the axes,
// the number formats and the texts the canvas and the live region carry.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  announcement, curveWithNow, describeSettings, fixed, formatG, formatValue, lossAxes, niceCeiling, plotLabel,
  plotTitle, pointCounts, readoutOf, regionEdges, statusLine, ticks, withPosition,
} from "../../helpers/playground/static/playground.js";

const TABLE = [
  { name: "model", kind: "option", options: [{ value: "linear", label: "linear classifier" },
    { value: "2-layer", label: "2-layer net" }] },
  { name: "noise", kind: "number", readout: ".1f" },
  { name: "held_out_share", kind: "number", readout: ".0%" },
  { name: "step_size", kind: "log", readout: "" },
  { name: "hidden_size", kind: "number", readout: "" },
];
const SETTINGS = { model: "2-layer", hidden_size: 100, step_size: 1, reg: 0.001, speed: 20 };
const FRAME = {
  seq: 7, playing: false, catching_up: false, iteration: 500, target: null, model: "2-layer", K: 3, H: 100,
  extent: [-1.5, 1.5, -1.5, 1.5], grid_size: 100, train_loss: 0.3265012501241787,
  held_out_loss: 0.33689104841677686, train_accuracy: 0.8666666666666667, held_out_accuracy: 0.8666666666666667,
  n_train: 240, n_held_out: 60, last_step: 0, speed: 20, curve_reset: false, curve: [], num_iters: 500, hinges: [],
  dead_units: 6, diverged: null, data_version: 1,
};

test("niceCeiling: the smallest 1, 2 or 5 times a power of ten at or above the value", () => {
  const cases = [[1, 1], [1.5, 2], [2, 2], [2.01, 5], [4.9, 5], [5, 5], [5.01, 10], [9.99, 10], [10, 10], [11, 20],
    [100, 100], [101, 200], [500, 500], [501, 1000], [1200, 2000], [20000, 20000], [0.03, 0.05], [0.3, 0.5]];
  for (const [value, top] of cases) assert.equal(niceCeiling(value), top, `niceCeiling(${value})`);
  assert.equal(niceCeiling(7, [1, 2.5, 5]), 10);
  for (const bad of [0, -1, NaN, Infinity]) assert.throws(() => niceCeiling(bad), /value must be a finite number > 0/);
});

test("lossAxes: iterations up to a nice ceiling of the run, losses up to the next half above 1.1 x the highest", () => {
  const K = 3, chance = Math.log(3);
  assert.deepEqual(lossAxes({ losses: [1.0986, 0.33], K, iteration: 500, numIters: 500, diverged: false }),
    { xMax: 500, yMax: 1.5 }); // 1.1 x ln 3 = 1.21: up to 1.5
  assert.deepEqual(lossAxes({ losses: [1.4], K, iteration: 10, numIters: 50, diverged: false }),
    { xMax: 100, yMax: 2 }); // at least 100 iterations; 1.54 -> 2
  assert.deepEqual(lossAxes({ losses: [], K: 6, iteration: 600, numIters: 500, diverged: false }),
    { xMax: 1000, yMax: 2 }); // no loss yet: the chance line ln 6 = 1.79 sets it
  assert.equal(lossAxes({ losses: [0.5, null, 1.0], K: 2, iteration: 0, numIters: 200, diverged: false }).yMax, 1.5);
  // diverged: the run up to the blow-up, the loss axis no higher than ceil(3 ln K)
  assert.deepEqual(lossAxes({ losses: [1.1, 2951], K, iteration: 3, numIters: 500, diverged: true }),
    { xMax: 10, yMax: Math.ceil(3 * chance) });
  assert.equal(lossAxes({ losses: [1.1], K, iteration: 90, numIters: 500, diverged: true }).xMax, 200); // 108 -> 200
});

test("ticks: round steps from 0 to the top", () => {
  assert.deepEqual(ticks(500), [0, 100, 200, 300, 400, 500]);
  assert.deepEqual(ticks(2000), [0, 500, 1000, 1500, 2000]);
  assert.deepEqual(ticks(20000), [0, 5000, 10000, 15000, 20000]);
  assert.deepEqual(ticks(1.5, 4), [0, 0.5, 1, 1.5]);
  assert.deepEqual(ticks(4, 4), [0, 1, 2, 3, 4]);
});

test("fixed: decimals as Python's format writes them, a tie of the binary value to even", () => {
  assert.equal(fixed(0.125, 2), "0.12"); // an exact tie: to even (toFixed would say 0.13)
  assert.equal(fixed(0.375, 2), "0.38");
  assert.equal(fixed(0.625, 2), "0.62");
  assert.equal(fixed(0.165, 2), "0.17"); // 0.16500000000000000777...: above the tie
  assert.equal(fixed(0.145, 2), "0.14"); // 0.14499999999999999001...: below it
  assert.equal(fixed(1.0986122886681098, 3), "1.099");
  assert.equal(fixed(0.8666666666666667, 2), "0.87");
  assert.equal(fixed(2.5, 0), "2");
  assert.equal(fixed(3.5, 0), "4");
});

test("formatG and formatValue: Python's .3g for the log sliders, the table's readout for the others", () => {
  const cases = [[1, "1"], [0.001, "0.001"], [1e-4, "0.0001"], [1e-5, "1e-05"], [10 ** -4.5, "3.16e-05"],
    [10 ** -0.5, "0.316"], [3.1622776601683795, "3.16"], [100, "100"], [1000, "1e+03"], [0.0316, "0.0316"]];
  for (const [x, text] of cases) assert.equal(formatG(x, 3), text, `formatG(${x})`);
  const [model, noise, share, step, hidden] = TABLE;
  assert.equal(formatValue(noise, 0.2), "0.2");
  assert.equal(formatValue(share, 0.2), "20%");
  assert.equal(formatValue(step, 10 ** -0.5), "0.316");
  assert.equal(formatValue(hidden, 200), "200");
  assert.equal(formatValue(model, "linear"), "linear classifier");
});

test("statusLine: iteration, losses, accuracies, dead units, counts and settings", () => {
  assert.equal(statusLine(FRAME, SETTINGS, TABLE),
    "Iteration 500; training loss 0.327; held-out loss 0.337; training accuracy 0.87; held-out accuracy 0.87; " +
    "6 of 100 hidden units dead. 240 training and 60 held-out points [2-layer net, hidden size 100, step size 1, " +
    "reg 0.001]");
  const catching = { ...FRAME, catching_up: true, target: 20000, iteration: 4000, last_step: 0 };
  assert.match(statusLine(catching, SETTINGS, TABLE), /^Catching up with the new settings: iteration 4000 of 20000;/);
  const fitted = { ...FRAME, last_step: 37, speed: 200 };
  assert.match(statusLine(fitted, SETTINGS, TABLE), /; 37 of the 200 iterations a frame fitted in the last frame's time;/);
  const worse = { ...FRAME, train_loss: 1.2, n_held_out: 0, held_out_loss: null, H: null, dead_units: null,
    model: "linear" };
  assert.equal(statusLine(worse, { ...SETTINGS, model: "linear", reg: 1e-5 }, TABLE),
    "Iteration 500; training loss 1.200; training accuracy 0.87; worse than guessing every class equally " +
    "(ln 3 = 1.099). 240 training and 0 held-out points [linear classifier, step size 1, reg 1e-05]");
});

test("statusLine: a divergence explained, and an empty plane", () => {
  const diverged = { ...FRAME, iteration: 3, diverged: "training diverged at iteration 3: the loss rose to 2951, " +
    "over 10 times its starting value 1.099; the step size 100 is too large" };
  assert.equal(statusLine(diverged, { ...SETTINGS, step_size: 100 }, TABLE),
    "Training diverged at iteration 3: the loss rose to 2951, over 10 times its starting value 1.099; the step " +
    "size 100 is too large. Nothing worth plotting was learned; set a smaller step size (releasing the slider " +
    "trains again from the start). [2-layer net, hidden size 100, step size 100, reg 0.001]");
  const empty = { ...FRAME, n_train: 0, n_held_out: 0, train_loss: null, train_accuracy: null };
  assert.match(statusLine(empty, SETTINGS, TABLE), /^No training points: click on the plot to add some/);
  assert.equal(describeSettings({ ...SETTINGS, model: "linear" }, TABLE), "linear classifier, step size 1, reg 0.001");
});

test("the plot's accessible name states the model, the iteration, the loss and the accuracy", () => {
  const label = plotLabel(FRAME, TABLE);
  for (const part of ["2-layer net with 100 hidden units", "iteration 500", "training loss 0.327",
    "training accuracy 0.87", "held-out accuracy 0.87"]) assert.ok(label.includes(part), `${part} in ${label}`);
  assert.equal(plotTitle(FRAME, TABLE), "Decision regions: 2-layer net (H = 100)");
  assert.equal(plotTitle({ ...FRAME, diverged: "training diverged at iteration 3: ..." }, TABLE),
    "Diverged: 2-layer net (H = 100)");
  assert.equal(announcement({ ...FRAME, playing: true }),
    "Playing, iteration 500, training loss 0.33, training accuracy 0.87, held-out accuracy 0.87.");
  assert.match(announcement({ ...FRAME, diverged: "training diverged at iteration 3: x" }), /^Training stopped/);
});

test("curveWithNow: where training stands is drawn past the last recorded point, never before or on it", () => {
  const curve = [[0, 1.1, 1.1], [400, 0.4, 0.45]];
  assert.deepEqual(curveWithNow(curve, { ...FRAME, iteration: 430, train_loss: 0.39, held_out_loss: 0.44 }),
    [...curve, [430, 0.39, 0.44]]);
  assert.deepEqual(curveWithNow(curve, { ...FRAME, iteration: 400 }), curve);
  assert.deepEqual(curveWithNow(curve, { ...FRAME, iteration: 430, diverged: "..." }), curve);
});

test("regionEdges: a segment along each cell edge between neighbours of different class, runs merged", () => {
  // extent [0, 3, 0, 3]: cells of 1, row 0 at the top (y from 2 to 3), column 0 at the left (x from 0 to 1)
  const grid = Uint8Array.from([
    0, 0, 1,
    0, 0, 1,
    2, 2, 2]);
  assert.deepEqual(regionEdges(grid, 3, [0, 3, 0, 3]), [[2, 3, 2, 1], [0, 1, 3, 1]]);
  // a run stops where the neighbours agree, and starts again
  const cross = Uint8Array.from([
    0, 1, 0,
    0, 0, 0,
    0, 1, 0]);
  assert.deepEqual(regionEdges(cross, 3, [0, 3, 0, 3]),
    [[1, 3, 1, 2], [1, 1, 1, 0], [2, 3, 2, 2], [2, 1, 2, 0], [1, 2, 2, 2], [1, 1, 2, 1]]);
  assert.deepEqual(regionEdges(new Uint8Array(9), 3, [0, 3, 0, 3]), [], "one class: no boundary");
});

test("regionEdges: the edge lies halfway between the centres of the two cells it separates", () => {
  // the contract's centres: x = x_min + (j + 0.5) * (x_max - x_min) / G, y = y_max - (i + 0.5) * (y_max - y_min) / G
  const extent = [-1.5, 1.5, -1.5, 1.5], G = 2;
  const centre = (i, j) => [extent[0] + (j + 0.5) * 3 / G, extent[3] - (i + 0.5) * 3 / G];
  const grid = Uint8Array.from([0, 1, 1, 1]); // cell (0, 0) differs from (0, 1) on its right and (1, 0) below
  const [vertical, horizontal] = regionEdges(grid, G, extent);
  assert.deepEqual(vertical, [0, 1.5, 0, 0]);
  assert.equal(vertical[0], (centre(0, 0)[0] + centre(0, 1)[0]) / 2);
  assert.deepEqual(horizontal, [-1.5, 0, 0, 0]);
  assert.equal(horizontal[1], (centre(0, 0)[1] + centre(1, 0)[1]) / 2);
  assert.throws(() => regionEdges(new Uint8Array(3), 2, extent), /grid must hold G \* G = 4 class indices; got 3/);
  assert.throws(() => regionEdges(grid, 0, extent), /G must be an integer >= 1; got 0/);
  assert.throws(() => regionEdges(grid, G, [0, 1]), /extent must be \[x_min, x_max, y_min, y_max\]/);
});

test("a value between a slider's positions becomes one, so that the readout shows it (a link's step size 0.15)", () => {
  const steps = [0.01, 0.0316, 0.1, 0.316, 1];
  assert.deepEqual(withPosition(steps, 0.15), [0.01, 0.0316, 0.1, 0.15, 0.316, 1]);
  assert.equal(withPosition(steps, 0.1), steps);
  assert.equal(withPosition(steps, 0.1 * (1 + 1e-12)), steps); // the same position, computed another way
  assert.deepEqual(withPosition([0, 0.1, 0.2], 0.25), [0, 0.1, 0.2, 0.25]);
});

test("a readout shows a value between two positions to 3 digits, and a point count agrees with its number", () => {
  const noise = { name: "noise", kind: "number", readout: ".1f", positions: [0, 0.1, 0.2, 0.3, 0.4] };
  const share = { name: "held_out_share", kind: "number", readout: ".0%", positions: [0, 0.1, 0.2] };
  assert.equal(readoutOf(noise, 0.3), "0.3");
  assert.equal(readoutOf(noise, 0.35), "0.35");
  assert.equal(readoutOf(share, 0.2), "20%");
  assert.equal(readoutOf(share, 0.25), "25%");
  assert.equal(pointCounts({ n_train: 240, n_held_out: 60 }), "240 training and 60 held-out points");
  assert.equal(pointCounts({ n_train: 1, n_held_out: 1 }), "1 training and 1 held-out point");
});
