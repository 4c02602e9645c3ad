// What the trainer's tests share: the fixtures written by tools/js_fixtures.py, and ways to compare doubles.
import { readFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURES = path.resolve(ROOT, process.env.JS_FIXTURES ?? "build/js-fixtures");

/** The fixture `name`.json, or an error saying how to make it. */
export function fixture(name) {
  const file = path.join(FIXTURES, `${name}.json`);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: make test-js writes it (or python tools/js_fixtures.py ${FIXTURES})`);
  }
  return JSON.parse(readFileSync(file, "utf8"));
}

const view = new DataView(new ArrayBuffer(8));

function ordered(x) {
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits; // doubles in order as integers
}

/** How many doubles lie between a and b (0: the same bits, apart from the sign of zero). */
export function ulps(a, b) {
  const d = ordered(a) - ordered(b);
  return Number(d < 0n ? -d : d);
}

/** |a - b| / |b|, or |a - b| where b = 0. */
export function relative(a, b) {
  return b === 0 ? Math.abs(a - b) : Math.abs(a - b) / Math.abs(b);
}

/** The largest of f(a[i], b[i]), and where. */
export function worst(a, b, f) {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let at = -1;
  let value = 0;
  for (let i = 0; i < a.length; i++) {
    const v = f(a[i], b[i]);
    if (v > value || Number.isNaN(v)) [at, value] = [i, v];
  }
  return { value, at };
}
