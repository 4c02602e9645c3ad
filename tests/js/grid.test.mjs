// classGrid against the forward pass: the class of every cell, found by sweeping each row of the grid,
// is the one `predict` gives at the cell's centre (the scores are summed in another order, so a cell
// whose two best scores tie to the last bits could differ; the count is printed).
import test from "node:test";
import assert from "node:assert/strict";
import { EXTENT, GRID_SIZE, Session, classGrid, predict } from "../../helpers/playground/static/trainer.js";
import { fixture } from "./fixtures.mjs";

const table = fixture("table");

/** The G*G cell centres, row 0 at the top, as classGrid's contract places them: Float64Array (G*G, 2). */
function cellCentres([xMin, xMax, yMin, yMax], G) {
  const X = new Float64Array(2 * G * G);
  for (let i = 0; i < G; i++) {
    for (let j = 0; j < G; j++) {
      X[2 * (i * G + j)] = xMin + ((j + 0.5) * (xMax - xMin)) / G;
      X[2 * (i * G + j) + 1] = yMax - ((i + 0.5) * (yMax - yMin)) / G;
    }
  }
  return X;
}

const cases = [
  [{}, [0, 300, 3000]],
  [{ hidden_size: 200, classes: 6, points_per_class: 200 }, [0, 100]],
  [{ model: "linear" }, [0, 300]],
  [{ hidden_size: 3, reg: 0.1 }, [0, 2000]],
];
for (const [settings, checkpoints] of cases) {
  test(`classGrid is predict at the cell centres: ${JSON.stringify(settings)}`, (t) => {
    const session = new Session(table, settings);
    const X = cellCentres(EXTENT, GRID_SIZE);
    const counts = [];
    for (const iteration of checkpoints) {
      if (iteration > session.iteration) session.trainSome(iteration - session.iteration);
      const grid = classGrid(session.params);
      const expected = predict(session.params, X, GRID_SIZE * GRID_SIZE);
      const differ = grid.reduce((count, k, i) => count + (k === expected[i] ? 0 : 1), 0);
      counts.push(`${differ} at iteration ${session.iteration}`);
      assert.ok(differ <= GRID_SIZE * GRID_SIZE * 1e-3, `${differ} cells differ at iteration ${session.iteration}`);
    }
    t.diagnostic(`cells that differ: ${counts.join(", ")}`);
  });
}
