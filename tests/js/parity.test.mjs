// The models and their training against helpers (NumPy): one step's gradients, the losses of the
// first 1000 iterations of the course's 2-layer run (and of the linear classifier's 200), and after
// the course's 10000 iterations the training accuracy and the class grid. The figures are printed.
import test from "node:test";
import assert from "node:assert/strict";
import {
  GRID_SIZE, Workspace, classGrid, initialParams, lossAndGrads, makeSpiral, predict, RandomState, train,
} from "../../helpers/playground/static/trainer.js";
import { fixture, relative, worst } from "./fixtures.mjs";

const gradients = fixture("gradients");
const training = fixture("training");
const asArrays = (params) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Float64Array.from(v)]));

for (const model of ["linear", "2-layer"]) {
  test(`${model}: the loss and one step's gradients within rtol 1e-12`, (t) => {
    const g = gradients[model];
    const X = Float64Array.from(g.X);
    const y = Int32Array.from(g.y);
    const { loss, grads } = lossAndGrads(asArrays(g.params), X, y, y.length, g.reg);
    const lossDiff = relative(loss, g.loss);
    const parts = [];
    for (const key of Object.keys(g.grads)) {
      const ours = Array.from(grads[key]);
      const scale = Math.max(...g.grads[key].map(Math.abs));
      const { value } = worst(ours, g.grads[key], (a, b) => Math.abs(a - b) / scale);
      const elementwise = worst(ours, g.grads[key], relative).value;
      parts.push(`${key} ${value.toExponential(1)} (entry by entry ${elementwise.toExponential(1)})`);
      assert.ok(elementwise <= 1e-12, `${model} d${key} differs by ${elementwise} relative`);
    }
    t.diagnostic(`${model} gradients: loss relative difference ${lossDiff.toExponential(1)}; largest difference ` +
      `per array, relative to its largest entry (and to each entry): ${parts.join(", ")}`);
    assert.ok(lossDiff <= 1e-12);
  });
}

/** The course's data and starting weights, drawn by trainer.js. */
function courseSetup(model) {
  const { X, y } = makeSpiral(100, 3, 0.2, new RandomState(0));
  return { X, y, params: initialParams(model, 3, training.hidden_size, 0, 300) };
}

function losses(model, numIters) {
  const { X, y, params } = courseSetup(model);
  const ws = new Workspace(params, X, y, y.length);
  const result = train(ws, { stepSize: training.step_size, reg: training.reg, numIters, recordEvery: 1 });
  return { ws, X, y, losses: result.lossHistory.map(([, loss]) => loss) };
}

test("the course's 2-layer run: the losses of its first 1000 iterations within 1e-10 relative", (t) => {
  const ours = losses("2-layer", training.losses.length).losses;
  const { value, at } = worst(ours, training.losses, relative);
  const exact = ours.filter((loss, i) => loss === training.losses[i]).length;
  t.diagnostic(`2-layer losses over ${ours.length} iterations: largest relative difference ` +
    `${value.toExponential(2)} (iteration ${at}); ${exact} bit-identical; at iteration 999 ` +
    `${relative(ours[999], training.losses[999]).toExponential(2)}`);
  assert.ok(value <= 1e-10);
});

test("the course's linear run: the losses of its 200 iterations within 1e-12 relative", (t) => {
  const ours = losses("linear", training.linear_losses.length).losses;
  const { value, at } = worst(ours, training.linear_losses, relative);
  t.diagnostic(`linear losses over ${ours.length} iterations: largest relative difference ${value.toExponential(2)} ` +
    `(iteration ${at})`);
  assert.ok(value <= 1e-12);
});

test("after the course's 10000 iterations: the same training accuracy, grids agreeing on >= 99% of cells", (t) => {
  const { ws, X, y } = losses("2-layer", training.num_iters);
  const predicted = predict(ws.params, X, y.length);
  const right = predicted.reduce((count, k, i) => count + (k === y[i] ? 1 : 0), 0);
  const accuracy = right / y.length;
  const grid = classGrid(ws.params, training.extent, training.grid_size);
  assert.equal(training.grid_size, GRID_SIZE);
  const agree = grid.reduce((count, k, i) => count + (k === training.grid[i] ? 1 : 0), 0);
  const share = agree / grid.length;
  t.diagnostic(`after ${training.num_iters} iterations: training accuracy ${accuracy} (${right} of ${y.length}), ` +
    `NumPy's ${training.train_accuracy}; grids agree on ${agree} of ${grid.length} cells (${(100 * share).toFixed(2)}%)`);
  assert.equal(accuracy, training.train_accuracy);
  assert.ok(share >= 0.99, `the grids agree on ${agree} of ${grid.length} cells`);
});
