// The playground's Session against helpers.playground.state.Session: the same retrain from the seed
// at a few settings gives the same history, divergence (iteration and sentence), dead units, hinge
// lines and class grid.
import test from "node:test";
import assert from "node:assert/strict";
import { Session, classGrid, hingeSegments, formatG, recordEveryFor } from "../../helpers/playground/static/trainer.js";
import { fixture, relative } from "./fixtures.mjs";

const table = fixture("table");
const sessions = fixture("sessions");

for (const expected of sessions) {
  const label = JSON.stringify(Object.fromEntries(Object.entries(expected.settings).filter(
    ([key, value]) => value !== table.find((s) => s.name === key).default)));
  test(`Session ${label} retrained from the seed is helpers' Session`, (t) => {
    const session = new Session(table, expected.settings);
    session.retrain();
    assert.equal(session.iteration, expected.iteration);
    assert.deepEqual(session.diverged && { iteration: session.diverged.iteration, reason: session.diverged.reason },
      expected.diverged && { iteration: expected.diverged.iteration, reason: expected.diverged.reason });
    assert.deepEqual(session.history.map((h) => h.iteration), expected.history.map((h) => h[0]));
    let lossDiff = 0;
    let pointsDiff = 0; // the most points classified differently at one snapshot
    session.history.forEach((h, i) => {
      const [, trainLoss, heldOutLoss, trainAccuracy, heldOutAccuracy] = expected.history[i];
      for (const [ours, theirs] of [[h.trainLoss, trainLoss], [h.heldOutLoss, heldOutLoss]]) {
        if (theirs === null) assert.ok(ours === null || !Number.isFinite(ours));
        else lossDiff = Math.max(lossDiff, relative(ours, theirs));
      }
      const { train, heldOutPart } = session.data;
      pointsDiff = Math.max(pointsDiff, Math.round(Math.abs(h.trainAccuracy - trainAccuracy) * train.n),
        heldOutAccuracy === null ? 0 : Math.round(Math.abs(h.heldOutAccuracy - heldOutAccuracy) * heldOutPart.n));
    });
    const grid = classGrid(session.params);
    const agree = grid.reduce((count, k, i) => count + (k === expected.grid[i] ? 1 : 0), 0);
    let hingeDiff = 0;
    if (expected.dead !== null) {
      assert.deepEqual(Array.from(session.deadUnits()), expected.dead);
      const segments = hingeSegments(session.params.W, session.params.b);
      expected.hinges.flat().forEach((v, i) => {
        if (v === null) assert.ok(Number.isNaN(segments[i]), `hinge coordinate ${i} is NaN`);
        else hingeDiff = Math.max(hingeDiff, Math.abs(segments[i] - v));
      });
    }
    t.diagnostic(`${label}: ${session.iteration} iterations; losses within ${lossDiff.toExponential(1)} relative; ` +
      `accuracies within ${pointsDiff} point(s); grids agree on ${agree} of ${grid.length} cells; hinge ends within ${hingeDiff.toExponential(1)}` +
      (session.diverged ? `; diverged: ${session.diverged.reason}` : ""));
    assert.ok(lossDiff <= 1e-9);
    assert.ok(pointsDiff <= 1); // a point on a boundary may tip either way
    assert.ok(agree >= 0.99 * grid.length);
    assert.ok(hingeDiff <= 1e-9);
  });
}

test("formatG is Python's format(x, '.Ng')", () => {
  const cases = [[100, 3, "100"], [31.622776601683793, 3, "31.6"], [1e-4, 3, "0.0001"], [3.1622776601683795e-5, 3,
    "3.16e-05"], [1000, 3, "1e+03"], [2951.23, 4, "2951"], [1.0986, 4, "1.099"], [10, 6, "10"], [0, 3, "0"],
  [123456789, 6, "1.23457e+08"], [Infinity, 3, "inf"], [NaN, 3, "nan"], [0.5, 3, "0.5"]];
  for (const [x, p, text] of cases) assert.equal(formatG(x, p), text, `${x} with .${p}g`);
});

test("recordEveryFor is record_every_for", () => {
  assert.deepEqual([0, 1, 49, 50, 99, 100, 500, 10000].map(recordEveryFor), [1, 1, 1, 1, 1, 2, 10, 200]);
});
