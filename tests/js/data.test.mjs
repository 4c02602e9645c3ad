// The spiral, its held-out split and the starting weights, against helpers' (NumPy's). The points
// may differ in the last bits of sin and cos (NumPy's SIMD versions against V8's), and a normal where
// the C library's log rounds wrongly (see random.test.mjs): measured and printed.
import test from "node:test";
import assert from "node:assert/strict";
import { initialParams, spiralSplit } from "../../helpers/playground/static/trainer.js";
import { fixture, ulps, worst } from "./fixtures.mjs";

const { spirals, params } = fixture("data");

test("spiral_split: the same labels and held-out points, coordinates within 2 ulp", (t) => {
  let total = 0;
  let differing = 0;
  let most = 0;
  for (const s of spirals) {
    const data = spiralSplit(...s.args);
    assert.deepEqual(Array.from(data.y), s.y, `labels of ${s.args}`);
    assert.deepEqual(Array.from(data.heldOut), s.held_out, `held-out points of ${s.args}`);
    const X = Array.from(data.X);
    const { value } = worst(X, s.X, ulps);
    total += X.length;
    differing += X.filter((x, i) => x !== s.X[i]).length;
    most = Math.max(most, value);
  }
  t.diagnostic(`spiral coordinates: ${total - differing} of ${total} bit-identical to NumPy's, ` +
    `the largest difference ${most} ulp (${spirals.length} settings)`);
  assert.ok(most <= 2, `a coordinate differs by ${most} ulp`);
});

test("initial_params: the same starting weights, bit for bit but where the C library's log rounds wrongly", (t) => {
  let total = 0;
  let differing = 0;
  let most = 0;
  const where = [];
  for (const p of params) {
    const [model, K, H, seed, skip] = p.args;
    const ours = initialParams(model, K, H, seed, skip);
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(p.params).sort());
    for (const key of Object.keys(ours)) {
      const theirs = p.params[key];
      ours[key].forEach((w, i) => {
        const d = ulps(w, theirs[i]);
        if (d) where.push(`${key}[${i}] of (${p.args.join(", ")}) by ${d} ulp`);
        most = Math.max(most, d);
      });
      total += theirs.length;
    }
  }
  differing = where.length;
  t.diagnostic(`starting weights: ${total - differing} of ${total} bit-identical to NumPy's` +
    (differing ? `; differing: ${where.join("; ")}` : ""));
  // a normal whose log the C library rounds wrongly (about 1 log in 2000) may differ by a bit or two
  assert.ok(differing <= total / 200 && most <= 2);
});

test("bad arguments are errors naming them", () => {
  assert.throws(() => initialParams("deep", 3, 10, 0), /model must be one of \["linear","2-layer"\]; got "deep"/);
  assert.throws(() => spiralSplit(0, 3, 0.2, 0.2, 0), /N must be an integer >= 1; got 0/);
});
