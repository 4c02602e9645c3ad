/**
 * The playground's trainer in plain JavaScript: the same runs as `helpers.playground.state`, in the page.
 *
 * It reproduces, in Float64Array loops and with no dependency:
 *   - NumPy's legacy generator `np.random.RandomState(seed)` (`RandomState`): MT19937, its doubles,
 *     the polar-method normals with the cached second value, and `permutation`'s shuffle order;
 *   - the spiral and its held-out split (`spiralSplit`), the seeded starting weights (`initialParams`);
 *   - the two models (linear softmax; one hidden ReLU layer), their loss (mean softmax cross-entropy
 *     plus 0.5 * reg * sum of squares of W and W2) and its gradients, and full-batch gradient descent
 *     with the arithmetic of `helpers.train` (`Workspace`, `train`), divergence included;
 *   - what the playground shows: snapshots, the loss history, the class grid, the hinge lines and
 *     the dead units (`Session`, as `helpers.playground.state.Session`);
 *   - `LocalModel`, the playground's back end without a kernel: the six methods of an anywidget model.
 *
 * Arrays are row-major Float64Arrays: X (n, 2) holds x0, x1 of point i at [2i], [2i + 1]; W (D, M)
 * holds W[d, m] at [d * M + m]. Labels y are Int32Arrays. The results agree with NumPy's to the last
 * bits of the sums, exp, log, sin and cos (INSTRUCTORS.md gives the measured figures).
 */

// =========================================================================== the logarithm of the normals

// NumPy draws its normals with the C library's log, which glibc rounds correctly in all but about
// 1 case in 2000; V8's Math.log is off by one bit in about 1 in 20. So the normals take their log from
// here: in double-double arithmetic (about 100 bits), then rounded once, which matches the C library
// wherever that one is right. The helpers below are the textbook error-free transformations.

const SPLITTER = 134217729; // 2**27 + 1, splits a double into two 26-bit halves

function twoSum(a, b) {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a, b) {
  const s = a + b;
  return [s, b - (s - a)];
}

function splitDouble(a) {
  const c = SPLITTER * a;
  const hi = c - (c - a);
  return [hi, a - hi];
}

function twoProduct(a, b) {
  const p = a * b;
  const [ah, al] = splitDouble(a);
  const [bh, bl] = splitDouble(b);
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function ddAdd([ah, al], [bh, bl]) {
  let [s, e] = twoSum(ah, bh);
  const [t, f] = twoSum(al, bl);
  [s, e] = quickTwoSum(s, e + t);
  return quickTwoSum(s, e + f);
}

function ddMul([ah, al], [bh, bl]) {
  const [p, e] = twoProduct(ah, bh);
  return quickTwoSum(p, e + (ah * bl + al * bh));
}

function ddDiv(a, b) {
  const q1 = a[0] / b[0];
  let r = ddAdd(a, ddMul([-q1, 0], b));
  const q2 = r[0] / b[0];
  r = ddAdd(r, ddMul([-q2, 0], b));
  return ddAdd(quickTwoSum(q1, q2), [r[0] / b[0], 0]);
}

const LN2 = [0.6931471805599453, 2.3190468138462996e-17]; // ln 2 as a double-double
const ATANH_TERMS = 22; // 1/(2j + 1), j < 22: enough for |s| <= 0.172, s**2 ** 22 < 2**-110
const ATANH_COEFFICIENTS = Array.from({ length: ATANH_TERMS }, (_, j) => ddDiv([1, 0], [2 * j + 1, 0]));
const float64Bits = new DataView(new ArrayBuffer(8));

/**
 * ln(x) for a normal double x > 0, rounded once from about 100 bits: x = 2**k m with m in [sqrt(1/2),
 * sqrt(2)), ln m = 2 atanh(s), s = (m - 1) / (m + 1), by its series in double-double. Other x: Math.log.
 */
export function preciseLog(x) {
  if (!(x > 0) || x === Infinity) return Math.log(x);
  float64Bits.setFloat64(0, x);
  const high = float64Bits.getUint32(0);
  let k = ((high >>> 20) & 0x7ff) - 1023;
  if (k === -1023) return Math.log(x); // subnormal
  float64Bits.setUint32(0, (high & 0x800fffff) | (1023 << 20));
  let m = float64Bits.getFloat64(0); // in [1, 2)
  if (m > Math.SQRT2) {
    m /= 2;
    k += 1;
  }
  const f = m - 1; // exact
  const s = ddDiv([f, 0], twoSum(2, f));
  const z = ddMul(s, s);
  let series = ATANH_COEFFICIENTS[ATANH_TERMS - 1];
  for (let j = ATANH_TERMS - 2; j >= 0; j--) series = ddAdd(ddMul(series, z), ATANH_COEFFICIENTS[j]);
  const lnM = ddMul(ddMul(s, series), [2, 0]);
  const kLn2 = ddAdd(twoProduct(k, LN2[0]), [k * LN2[1], 0]);
  return ddAdd(kLn2, lnM)[0];
}

// =========================================================================== NumPy's RandomState

const MT_N = 624;
const MT_M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

function fail(name, expected, got) {
  throw new RangeError(`${name} must be ${expected}; got ${typeof got === "string" ? JSON.stringify(got) : got}`);
}

function checkInteger(value, name, min, max = Infinity) {
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(name, max === Infinity ? `an integer >= ${min}` : `an integer from ${min} to ${max}`, value);
  }
  return value;
}

/**
 * `np.random.RandomState(seed)`, bit for bit: the same uint32 stream (MT19937 seeded by
 * `init_genrand`), doubles from two draws, normals by the polar method (each pair's second value
 * kept for the next call, as NumPy does) and `permutation` in the legacy shuffle's order.
 */
export class RandomState {
  /** seed : integer from 0 to 2**32 - 1. */
  constructor(seed) {
    checkInteger(seed, "seed", 0, 0xffffffff);
    this.key = new Uint32Array(MT_N);
    let s = seed >>> 0;
    for (let pos = 0; pos < MT_N; pos++) {
      this.key[pos] = s;
      s = (Math.imul(1812433253, s ^ (s >>> 30)) + pos + 1) >>> 0;
    }
    this.pos = MT_N;
    this.hasGauss = false;
    this.gauss = 0.0;
  }

  /** The next MT_N words of the stream, all at once (MT19937's "twist"). */
  twist() {
    const key = this.key;
    let i = 0;
    for (; i < MT_N - 1; i++) {
      const y = (key[i] & UPPER_MASK) | (key[i + 1] & LOWER_MASK);
      key[i] = key[(i + MT_M) % MT_N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (key[MT_N - 1] & UPPER_MASK) | (key[0] & LOWER_MASK);
    key[MT_N - 1] = key[MT_M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.pos = 0;
  }

  /** A uint32, as a number from 0 to 2**32 - 1. */
  nextUint32() {
    if (this.pos >= MT_N) this.twist();
    let y = this.key[this.pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits, from two draws (NumPy's `legacy_double`). */
  nextDouble() {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** One standard normal (NumPy's `legacy_gauss`): the polar method, a pair at a time. */
  nextGauss() {
    if (this.hasGauss) {
      this.hasGauss = false;
      const kept = this.gauss;
      this.gauss = 0.0;
      return kept;
    }
    let x1, x2, r2;
    do {
      x1 = 2.0 * this.nextDouble() - 1.0;
      x2 = 2.0 * this.nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * preciseLog(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** `standard_normal(size)`: a Float64Array of `size` normals. */
  standardNormal(size) {
    checkInteger(size, "size", 0);
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = this.nextGauss();
    return out;
  }

  /** A uniform integer in [0, max], by rejection under the smallest all-ones mask >= max (`random_interval`). */
  randomInterval(max) {
    checkInteger(max, "max", 0, 0x7fffffff);
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value;
    while ((value = (this.nextUint32() & mask) >>> 0) > max);
    return value;
  }

  /** `permutation(values)`: a shuffled copy (an Array), swapping i with `randomInterval(i)` for i = n-1 down to 1. */
  permutation(values) {
    const out = Array.from(values);
    for (let i = out.length - 1; i >= 1; i--) {
      const j = this.randomInterval(i);
      const swap = out[i];
      out[i] = out[j];
      out[j] = swap;
    }
    return out;
  }
}

// =========================================================================== data

/** `np.linspace(start, stop, num)`: i * step + start, the last one exactly `stop`. Float64Array (num,). */
export function linspace(start, stop, num) {
  checkInteger(num, "num", 0);
  const out = new Float64Array(num);
  const div = num - 1;
  if (div > 0) {
    const step = (stop - start) / div;
    for (let i = 0; i < num; i++) out[i] = i * step + start;
    out[num - 1] = stop;
  } else if (num === 1) {
    out[0] = start;
  }
  return out;
}

/**
 * `helpers.data.make_spiral`: K arms of N points, arm j at radius linspace(0, 1, N) and angle
 * linspace(4j, 4(j+1), N) + noise * standard_normal(N), point (r sin t, r cos t).
 * Returns { X: Float64Array (N*K, 2), y: Int32Array (N*K,) }.
 */
export function makeSpiral(N, K, noise, rng) {
  checkInteger(N, "N", 1);
  checkInteger(K, "K", 1, 256);
  if (!(noise >= 0)) fail("noise", "a number >= 0", noise);
  if (!(rng instanceof RandomState)) fail("rng", "a RandomState", rng);
  const X = new Float64Array(N * K * 2);
  const y = new Int32Array(N * K);
  const r = linspace(0.0, 1.0, N);
  for (let j = 0; j < K; j++) {
    const t = linspace(4.0 * j, 4.0 * (j + 1), N);
    const normals = rng.standardNormal(N);
    for (let i = 0; i < N; i++) {
      const row = N * j + i;
      const angle = t[i] + noise * normals[i];
      X[2 * row] = r[i] * Math.sin(angle);
      X[2 * row + 1] = r[i] * Math.cos(angle);
      y[row] = j;
    }
  }
  return { X, y };
}

/** Python's `round` for a float: to the nearest integer, halves to the even one. */
export function roundHalfEven(x) {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * A data set: X (n, 2), y (n,), heldOut (n,) 0|1, K classes; and its two parts,
 * `train` and `heldOutPart`, each { X, y, n }.
 */
export function makeDataset(X, y, heldOut, K) {
  const n = y.length;
  const part = (wanted) => {
    let count = 0;
    for (let i = 0; i < n; i++) count += heldOut[i] === wanted ? 1 : 0;
    const partX = new Float64Array(2 * count);
    const partY = new Int32Array(count);
    let at = 0;
    for (let i = 0; i < n; i++) {
      if (heldOut[i] !== wanted) continue;
      partX[2 * at] = X[2 * i];
      partX[2 * at + 1] = X[2 * i + 1];
      partY[at++] = y[i];
    }
    return { X: partX, y: partY, n: count };
  };
  return { X, y, heldOut, K, n, train: part(0), heldOutPart: part(1) };
}

/**
 * `spiral_split`: the spiral drawn from RandomState(dataSeed), then round(heldOutShare * pointsPerClass)
 * points of each class held out, chosen by the same generator's `permutation` of the class's indices.
 */
export function spiralSplit(pointsPerClass, classes, noise, heldOutShare, dataSeed) {
  if (!(heldOutShare >= 0 && heldOutShare <= 1)) fail("heldOutShare", "a number from 0 to 1", heldOutShare);
  const rng = new RandomState(dataSeed);
  const { X, y } = makeSpiral(pointsPerClass, classes, noise, rng);
  const heldOut = new Uint8Array(y.length);
  const nHeldOut = roundHalfEven(heldOutShare * pointsPerClass);
  for (let k = 0; k < classes; k++) {
    const members = [];
    for (let i = 0; i < y.length; i++) if (y[i] === k) members.push(i);
    const chosen = rng.permutation(members).slice(0, nHeldOut);
    for (const i of chosen) heldOut[i] = 1;
  }
  return makeDataset(X, y, heldOut, classes);
}

/** `with_points`: `data` with `points` added, each [x0, x1, k, heldOut]; those of a class k >= data.K are left out. */
export function withPoints(data, points) {
  const kept = points.filter((p) => p[2] < data.K);
  if (kept.length === 0) return data;
  const n = data.n + kept.length;
  const X = new Float64Array(2 * n);
  X.set(data.X);
  const y = new Int32Array(n);
  y.set(data.y);
  const heldOut = new Uint8Array(n);
  heldOut.set(data.heldOut);
  kept.forEach(([x0, x1, k, held], i) => {
    X[2 * (data.n + i)] = x0;
    X[2 * (data.n + i) + 1] = x1;
    y[data.n + i] = k;
    heldOut[data.n + i] = held ? 1 : 0;
  });
  return makeDataset(X, y, heldOut, data.K);
}

/** No points, K classes. */
export function emptyDataset(K) {
  return makeDataset(new Float64Array(0), new Int32Array(0), new Uint8Array(0), K);
}

// =========================================================================== the models

export const MODELS = ["linear", "2-layer"];

/**
 * The seeded starting parameters of `initial_params`: from RandomState(seed), after `skip` normals,
 * the linear classifier's W (2, K), then for the network W (2, H) and W2 (H, K), each 0.01 * normals;
 * biases zero. Returns { W, b } or { W, b, W2, b2 }, Float64Arrays (row-major).
 */
export function initialParams(model, K, H, seed, skip = 0) {
  if (!MODELS.includes(model)) fail("model", `one of ${JSON.stringify(MODELS)}`, model);
  checkInteger(K, "K", 1);
  checkInteger(skip, "skip", 0);
  const rng = new RandomState(seed);
  rng.standardNormal(skip);
  const scaled = (size) => rng.standardNormal(size).map((z) => 0.01 * z);
  const linear = { W: scaled(2 * K), b: new Float64Array(K) };
  if (model === "linear") return linear;
  checkInteger(H, "H", 1);
  const W = scaled(2 * H);
  const W2 = scaled(H * K);
  return { W, b: new Float64Array(H), W2, b2: new Float64Array(K) };
}

/** Whether `params` are the network's (they hold W2). */
export function isTwoLayer(params) {
  return params.W2 !== undefined;
}

/** K, the number of classes, and H, the hidden size (null for the linear classifier). */
export function paramShape(params) {
  return isTwoLayer(params)
    ? { K: params.b2.length, H: params.b.length }
    : { K: params.b.length, H: null };
}

/**
 * The forward pass. X (n, 2). Writes hidden_layer (n, H) = max(0, X W + b) for the network, and
 * scores (n, K) = X W + b or hidden_layer W2 + b2; returns { scores, hidden_layer } (allocated
 * unless `buffers` holds them).
 */
export function forward(params, X, n, buffers = {}) {
  const { K, H } = paramShape(params);
  const scores = buffers.scores ?? new Float64Array(n * K);
  if (H === null) {
    affine2(X, n, params.W, params.b, K, scores);
    return { scores, hidden_layer: null };
  }
  const hidden_layer = buffers.hidden_layer ?? new Float64Array(n * H);
  const { W, b, W2, b2 } = params;
  for (let i = 0; i < n; i++) { // row by row: point i's hidden units, each adding to its K scores at once
    const x0 = X[2 * i];
    const x1 = X[2 * i + 1];
    const row = i * H;
    const out = i * K;
    for (let k = 0; k < K; k++) scores[out + k] = 0;
    for (let h = 0; h < H; h++) {
      const z = unitInput(x0, x1, W, b, H, h);
      if (z > 0) {
        hidden_layer[row + h] = z;
        for (let k = 0; k < K; k++) scores[out + k] += z * W2[h * K + k];
      } else {
        hidden_layer[row + h] = 0; // a unit that is off adds nothing
      }
    }
    for (let k = 0; k < K; k++) scores[out + k] += b2[k];
  }
  return { scores, hidden_layer };
}

/** out (n, M) = X W + b for X (n, 2), W (2, M), b (M,). */
function affine2(X, n, W, b, M, out) {
  for (let i = 0; i < n; i++) {
    const x0 = X[2 * i];
    const x1 = X[2 * i + 1];
    for (let m = 0; m < M; m++) out[i * M + m] = x0 * W[m] + x1 * W[M + m] + b[m];
  }
  return out;
}

/** The index of each row's largest score (the first of equal ones), like np.argmax. */
function argmaxRow(scores, offset, K) {
  let best = 0;
  for (let k = 1; k < K; k++) if (scores[offset + k] > scores[offset + best]) best = k;
  return best;
}

/** Predicted class of each row of X (n, 2): Int32Array (n,). */
export function predict(params, X, n) {
  const { K } = paramShape(params);
  const { scores } = forward(params, X, n);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxRow(scores, i * K, K);
  return out;
}

/**
 * `loss_and_accuracy`: the data loss (mean cross-entropy, no L2, each row's largest score subtracted
 * before exp as `helpers.softmax` does) and the accuracy on X (n, 2), y (n,); [null, null] if n = 0.
 */
export function lossAndAccuracy(params, X, y, n) {
  if (n === 0) return [null, null];
  const { K } = paramShape(params);
  return lossAndAccuracyOfScores(forward(params, X, n).scores, y, n, K);
}

/** `lossAndAccuracy` from the scores (n, K) of the points with labels y (n,), n > 0. */
function lossAndAccuracyOfScores(scores, y, n, K) {
  let sum = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    const best = argmaxRow(scores, o, K);
    const max = scores[o + best];
    let total = 0;
    for (let k = 0; k < K; k++) total += Math.exp(scores[o + k] - max);
    sum += Math.log(total) - (scores[o + y[i]] - max);
    if (best === y[i]) right++;
  }
  return [sum / n, right / n];
}

/** (H,) Uint8Array: 1 for each hidden unit whose input X W + b is <= 0 at every row of X (n, 2). */
export function deadUnits(params, X, n) {
  const H = params.b.length;
  const dead = new Uint8Array(H).fill(n > 0 ? 1 : 0);
  const { W, b } = params;
  for (let i = 0; i < n; i++) {
    const x0 = X[2 * i];
    const x1 = X[2 * i + 1];
    for (let h = 0; h < H; h++) if (dead[h] && unitInput(x0, x1, W, b, H, h) > 0) dead[h] = 0;
  }
  return dead;
}

export const EXTENT = Object.freeze([-1.5, 1.5, -1.5, 1.5]); // x_min, x_max, y_min, y_max
export const GRID_SIZE = 100;

/**
 * The class predicted at the centre of each cell of a G x G grid over `extent`: Uint8Array (G*G),
 * row-major, row 0 at the top. Cell (i, j) is centred at x = x_min + (j + 0.5) * (x_max - x_min) / G,
 * y = y_max - (i + 0.5) * (y_max - y_min) / G.
 */
export function classGrid(params, extent = EXTENT, G = GRID_SIZE) {
  const [xMin, xMax, yMin, yMax] = extent;
  const { K, H } = paramShape(params);
  const { W, b, b2 } = params;
  const out = new Uint8Array(G * G);
  const xs = new Float64Array(G);
  for (let j = 0; j < G; j++) xs[j] = xMin + ((j + 0.5) * (xMax - xMin)) / G;
  const scores = new Float64Array(K);
  const lines = H === null ? null : new RowLines(G, K);
  for (let i = 0; i < G; i++) {
    const x1 = yMax - ((i + 0.5) * (yMax - yMin)) / G;
    if (H !== null) lines.fill(params, xs, x1);
    for (let j = 0; j < G; j++) {
      for (let k = 0; k < K; k++) {
        scores[k] = H === null
          ? xs[j] * W[k] + x1 * W[K + k] + b[k]
          : xs[j] * lines.slope[j * K + k] + lines.intercept[j * K + k] + b2[k];
      }
      out[i * G + j] = argmaxRow(scores, 0, K);
    }
  }
  return out;
}

/**
 * The network's scores along one row of the grid (height x1, columns at xs, ascending), without b2,
 * as lines: score k at column j is x0 * slope[j, k] + intercept[j, k]. Along the row, hidden unit h's
 * input x0 W[0, h] + (x1 W[1, h] + b[h]) only rises (W[0, h] >= 0) or only falls, so the unit is on over
 * the columns from one to the end, or from the start to one; where it is on it adds x0 W[0, h] W2[h, k]
 * + (x1 W[1, h] + b[h]) W2[h, k] to score k. Each column's slope and intercept are the sums over the
 * units on there, gathered by running sums from the left (units on to the end) and from the right
 * (units on from the start): nothing is subtracted, so where no unit is on the scores are b2 exactly.
 * Which units are on is decided with the arithmetic of `forward`. Arrays (G, K), row-major.
 */
class RowLines {
  constructor(G, K) {
    this.G = G;
    this.K = K;
    this.slope = new Float64Array(G * K);
    this.intercept = new Float64Array(G * K);
    this.fromLeft = new Float64Array(2 * G * K); // at column j, the slope and intercept of units on from j
    this.fromRight = new Float64Array(2 * G * K); // at column j, those of units on up to j
  }

  fill(params, xs, x1) {
    const { G, K, fromLeft, fromRight } = this;
    const { W, b, W2 } = params;
    const H = b.length;
    fromLeft.fill(0);
    fromRight.fill(0);
    for (let h = 0; h < H; h++) {
      const rising = W[h] >= 0;
      const at = switchColumn(xs, x1, W, b, H, h, rising); // rising: on from `at`; falling: on before `at`
      if (rising ? at === G : at === 0) continue;
      const [ends, column] = rising ? [fromLeft, at] : [fromRight, at - 1];
      const c = x1 * W[H + h] + b[h];
      for (let k = 0; k < K; k++) {
        ends[2 * (column * K + k)] += W[h] * W2[h * K + k];
        ends[2 * (column * K + k) + 1] += c * W2[h * K + k];
      }
    }
    for (let k = 0; k < K; k++) {
      let slope = 0;
      let intercept = 0;
      for (let j = G - 1; j >= 0; j--) {
        slope += fromRight[2 * (j * K + k)];
        intercept += fromRight[2 * (j * K + k) + 1];
        this.slope[j * K + k] = slope;
        this.intercept[j * K + k] = intercept;
      }
      slope = 0;
      intercept = 0;
      for (let j = 0; j < G; j++) {
        slope += fromLeft[2 * (j * K + k)];
        intercept += fromLeft[2 * (j * K + k) + 1];
        this.slope[j * K + k] += slope;
        this.intercept[j * K + k] += intercept;
      }
    }
  }
}

/** Hidden unit h's input at the point (x0, x1), as `forward` computes it: x0 W[0, h] + x1 W[1, h] + b[h]. */
function unitInput(x0, x1, W, b, H, h) {
  return x0 * W[h] + x1 * W[H + h] + b[h];
}

/**
 * The first column j of xs (ascending) where unit h is on (if `rising`) or off (if not), in the row at
 * height x1; xs.length if none. Binary search: along the row the unit's input only rises (W[0, h] >= 0)
 * or only falls, and so does its rounded value.
 */
function switchColumn(xs, x1, W, b, H, h, rising) {
  let low = 0;
  let high = xs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((unitInput(xs[mid], x1, W, b, H, h) > 0) === rising) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * `hinge_segments`: where each hidden unit switches on, the line x . W[:, j] + b[j] = 0, clipped to
 * the box `extent` (Liang-Barsky). W (2, H), b (H,). Returns Float64Array (H, 4): x0, y0, x1, y1 of
 * segment j at [4j .. 4j + 3], NaN where the line misses the box (or the unit has none, W[:, j] = 0).
 */
export function hingeSegments(W, b, extent = EXTENT) {
  const H = b.length;
  const out = new Float64Array(4 * H);
  const bounds = [[extent[0], extent[1]], [extent[2], extent[3]]];
  for (let j = 0; j < H; j++) {
    const w0 = W[j];
    const w1 = W[H + j];
    const norm2 = w0 * w0 + w1 * w1;
    let hasLine = norm2 > 0;
    const c = -(b[j] / (hasLine ? norm2 : 1.0));
    const origin = [c * w0, c * w1]; // the point of the line nearest to (0, 0)
    const direction = [-w1, w0]; // along the line
    let tLow = -Infinity;
    let tHigh = Infinity;
    for (let axis = 0; axis < 2; axis++) {
      const [low, high] = bounds[axis];
      const d = direction[axis];
      const o = origin[axis];
      if (d !== 0) {
        const t1 = (low - o) / d;
        const t2 = (high - o) / d;
        tLow = Math.max(tLow, Math.min(t1, t2));
        tHigh = Math.min(tHigh, Math.max(t1, t2));
      } else if (!(low <= o && o <= high)) {
        hasLine = false;
      }
    }
    hasLine = hasLine && tLow < tHigh;
    for (let e = 0; e < 2; e++) {
      const t = e === 0 ? tLow : tHigh;
      out[4 * j + 2 * e] = hasLine ? origin[0] + t * direction[0] : NaN;
      out[4 * j + 2 * e + 1] = hasLine ? origin[1] + t * direction[1] : NaN;
    }
  }
  return out;
}

// =========================================================================== training (helpers.train)

/**
 * `divergence_cause`: why gradient descent at this step size and reg blew up, in a few words.
 * Each update multiplies W by 1 - step_size * reg: above 2, the L2 term alone overshoots.
 */
export function divergenceCause(stepSize, reg) {
  if (stepSize * reg > 2) return `step size x reg = ${formatG(stepSize * reg, 3)} is above 2`;
  return `step size ${formatG(stepSize, 3)} is too large`;
}

/** `divergence_reason`: null while training is sound, else why it diverged (a sentence). */
export function divergenceReason(loss, firstLoss, blowupFactor, stepSize, reg) {
  if (Number.isFinite(loss) && loss <= blowupFactor * firstLoss) return null;
  const why = !Number.isFinite(loss)
    ? "the loss is no longer finite"
    : `the loss rose to ${formatG(loss, 4)}, over ${formatG(blowupFactor, 6)} times its starting value ` +
      `${formatG(firstLoss, 4)}`;
  return `${why}; the ${divergenceCause(stepSize, reg)}`;
}

/** Python's `format(x, f".{precision}g")`. */
export function formatG(x, precision) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, exponentText] = x.toExponential(precision - 1).split("e");
  const exponent = Number(exponentText);
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exponent >= -4 && exponent < precision) return strip(x.toFixed(precision - 1 - exponent));
  return `${strip(mantissa)}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

export const BLOWUP_FACTOR = 10.0;
const WEIGHTS = ["W", "W2"]; // the parameters under L2 (the linear classifier has no W2)
const BIASES = ["b", "b2"];
const PARAMETERS = [...WEIGHTS, ...BIASES];

/**
 * Every array one training run writes into, and the parameters it trains (copies, updated in place).
 * X (n, 2), y (n,). hidden_layer (n, H), scores (n, K), probs (n, K): exp(scores), then dscores;
 * colsum (n,). grads: dW, db, dW2, db2, the gradients of the last `backward`. forwardDone: whether
 * scores and hidden_layer hold the forward pass of the current params (`update` clears it; whoever
 * changes params otherwise must clear it too).
 */
export class Workspace {
  constructor(params, X, y, n) {
    this.n = n;
    this.X = X;
    this.y = y;
    const { K, H } = paramShape(params);
    this.K = K;
    this.H = H;
    this.params = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Float64Array.from(value)]));
    this.grads = Object.fromEntries(Object.entries(params).map(([key, value]) => [key, new Float64Array(value.length)]));
    this.scores = new Float64Array(n * K);
    this.probs = new Float64Array(n * K);
    this.colsum = new Float64Array(n);
    this.hidden_layer = H === null ? null : new Float64Array(n * H);
    this.forwardDone = false;
  }
}

/** The forward pass over ws.X at ws.params into ws.scores and ws.hidden_layer, unless they hold it already. */
export function forwardOnce(ws) {
  if (ws.forwardDone) return;
  forward(ws.params, ws.X, ws.n, ws);
  ws.forwardDone = true;
}

/** `lossAndAccuracy` of the workspace's points at its parameters ([null, null] if n = 0). */
export function workspaceLossAndAccuracy(ws) {
  if (ws.n === 0) return [null, null];
  forwardOnce(ws);
  return lossAndAccuracyOfScores(ws.scores, ws.y, ws.n, ws.K);
}

function sumOfSquares(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return s;
}

/**
 * The forward pass and the loss: mean cross-entropy plus 0.5 * reg * (sum W^2 + sum W2^2), as
 * `helpers.train` computes it: exp of the raw scores (the course's softmax), and only if that
 * overflows, again with each row's largest score subtracted. Leaves exp(scores) in ws.probs and
 * their row sums in ws.colsum, for `backward`.
 */
export function loss(ws, reg) {
  const { n, K, y, scores, probs, colsum } = ws;
  forwardOnce(ws);
  let logSum = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let k = 0; k < K; k++) total += (probs[i * K + k] = Math.exp(scores[i * K + k]));
    colsum[i] = total;
    logSum += Math.log(total);
    correct += scores[i * K + y[i]];
  }
  let dataLoss = (logSum - correct) / n;
  if (!Number.isFinite(dataLoss)) dataLoss = stableDataLoss(ws);
  const { W, W2 } = ws.params;
  const regLoss = 0.5 * reg * (sumOfSquares(W) + (W2 === undefined ? 0 : sumOfSquares(W2)));
  return dataLoss + regLoss;
}

/** The data loss with each row's largest score subtracted first; exp and row sums as `loss` leaves them. */
function stableDataLoss(ws) {
  const { n, K, y, scores, probs, colsum } = ws;
  let logSum = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    const max = scores[o + argmaxRow(scores, o, K)];
    let total = 0;
    for (let k = 0; k < K; k++) total += (probs[o + k] = Math.exp(scores[o + k] - max));
    colsum[i] = total;
    logSum += Math.log(total);
    correct += scores[o + y[i]] - max;
  }
  return (logSum - correct) / n;
}

/**
 * The backward pass after `loss`: dscores (n, K) = (probs - onehot) * scale, over ws.probs, then the
 * gradient of every parameter into ws.grads (the data loss's only, times n * scale).
 * `train` passes scale = step_size / n, so that the gradients come out times step_size.
 */
export function backward(ws, scale) {
  const { n, K, H, X, y, probs, colsum, params, grads } = ws;
  const dscores = probs;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const at = i * K + k;
      dscores[at] = (probs[at] / colsum[i] - (k === y[i] ? 1 : 0)) * scale;
    }
  }
  for (const key of PARAMETERS) grads[key]?.fill(0);
  if (H === null) {
    affineBackward(X, n, dscores, K, grads.W, grads.b);
    return;
  }
  const hidden_layer = ws.hidden_layer;
  const { W2 } = params;
  const { W: dW, b: db, W2: dW2, b2: db2 } = grads;
  for (let i = 0; i < n; i++) { // row by row: point i's share of every gradient
    const x0 = X[2 * i];
    const x1 = X[2 * i + 1];
    const row = i * H;
    const o = i * K;
    for (let k = 0; k < K; k++) db2[k] += dscores[o + k];
    for (let h = 0; h < H; h++) {
      const a = hidden_layer[row + h];
      if (a === 0) continue; // the ReLU switch: a unit that is off adds nothing to dW2 and passes no gradient
      let dhidden = 0;
      for (let k = 0; k < K; k++) {
        dW2[h * K + k] += a * dscores[o + k];
        dhidden += dscores[o + k] * W2[h * K + k];
      }
      dW[h] += x0 * dhidden;
      dW[H + h] += x1 * dhidden;
      db[h] += dhidden;
    }
  }
}

/** dW (D, M) += A.T dout and db (M,) += column sums of dout, for A (n, D), dout (n, M); entries of A that are 0 skipped. */
function affineBackward(A, n, dout, M, dW, db, D = 2) {
  for (let i = 0; i < n; i++) {
    const o = i * M;
    for (let m = 0; m < M; m++) db[m] += dout[o + m];
    for (let d = 0; d < D; d++) {
      const a = A[i * D + d];
      if (a === 0) continue;
      const w = d * M;
      for (let m = 0; m < M; m++) dW[w + m] += a * dout[o + m];
    }
  }
}

/** The update after `backward(ws, step_size / n)`: each weight W = W * (1 - step_size * reg) - dW; each bias b - db. */
export function update(ws, stepSize, reg) {
  const { params, grads } = ws;
  const decay = 1.0 - stepSize * reg; // the L2 gradient reg * W as a decay of the weights
  for (const key of PARAMETERS) {
    const p = params[key];
    const g = grads[key];
    if (p === undefined) continue;
    const keep = WEIGHTS.includes(key) ? decay : 1.0; // biases are not decayed
    for (let i = 0; i < p.length; i++) p[i] = p[i] * keep - g[i];
  }
  ws.forwardDone = false;
}

/**
 * The loss and the gradient of every parameter, as `helpers.models.loss_and_grads`: params { W, b[, W2, b2] },
 * X (n, 2), y (n,). Returns { loss, grads } with grads shaped as params (reg * W added to each weight's).
 */
export function lossAndGrads(params, X, y, n, reg) {
  const ws = new Workspace(params, X, y, n);
  const value = loss(ws, reg);
  backward(ws, 1.0 / n);
  for (const key of WEIGHTS) {
    if (ws.grads[key] === undefined) continue;
    const p = ws.params[key];
    ws.grads[key].forEach((g, i, a) => (a[i] = g + reg * p[i]));
  }
  return { loss: value, grads: ws.grads };
}

function allFinite(params) {
  return Object.values(params).every((p) => p.every(Number.isFinite));
}

/**
 * `helpers.train.train` on a Workspace: `numIters` updates of full-batch gradient descent, in place.
 * The loss before update i is recorded when i % recordEvery === 0. Training stops, as diverged,
 * when the loss is not finite or exceeds blowupFactor times referenceLoss (by default this call's
 * first loss); the parameters are then those from before the bad step.
 * Returns { lossHistory: [[i, loss], ...], iterations, diverged: null | { iteration, loss, reason } }.
 */
export function train(ws, { stepSize, reg, numIters, recordEvery = 1, blowupFactor = BLOWUP_FACTOR, referenceLoss = null }) {
  if (!(stepSize > 0)) fail("stepSize", "a number > 0", stepSize);
  if (!(reg >= 0)) fail("reg", "a number >= 0", reg);
  checkInteger(numIters, "numIters", 1);
  checkInteger(recordEvery, "recordEvery", 1);
  const result = { lossHistory: [], iterations: 0, diverged: null };
  let firstLoss = referenceLoss;
  for (let i = 0; i < numIters; i++) {
    const value = loss(ws, reg);
    if (firstLoss === null) firstLoss = value;
    const reason = divergenceReason(value, firstLoss, blowupFactor, stepSize, reg);
    if (reason !== null) {
      result.diverged = { iteration: i, loss: value, reason };
      break;
    }
    if (i % recordEvery === 0) result.lossHistory.push([i, value]);
    backward(ws, stepSize / ws.n);
    update(ws, stepSize, reg);
    result.iterations = i + 1;
  }
  if (result.diverged === null && !allFinite(ws.params)) {
    result.diverged = { iteration: result.iterations, loss: NaN, reason: "the parameters are no longer finite" };
  }
  return result;
}

// =========================================================================== settings (the table from Python)

/**
 * One setting's value checked against its row of the table (`Setting.as_dict()`); returns it, or throws
 * an error naming the setting, what it must be and what came.
 */
export function checkSetting(setting, value) {
  const { name, kind } = setting;
  if (kind === "option") {
    const values = setting.options.map((o) => o.value);
    if (!values.includes(value)) fail(name, `one of ${JSON.stringify(values)}`, value);
    return value;
  }
  if (typeof value !== "number" || Number.isNaN(value)) fail(name, "a number", value);
  if (kind === "log") {
    const [low, high] = [10 ** setting.low, 10 ** setting.high];
    // a small tolerance: 10 ** -4 computed here and in Python may differ in the last bit
    if (!(low * (1 - 1e-9) <= value && value <= high * (1 + 1e-9))) {
      fail(name, `between ${formatG(low, 6)} and ${formatG(high, 6)} (the slider's range)`, value);
    }
    return value;
  }
  if (setting.integer && !Number.isInteger(value)) fail(name, "an integer", value);
  const low = setting.low ?? -Infinity;
  const high = setting.high ?? Infinity;
  if (!(low <= value && value <= high)) fail(name, `from ${low} to ${high}`, value);
  return value;
}

/** `check_settings`: every setting of the table, from `values` or its default, checked. */
export function checkSettings(table, values = {}) {
  const known = new Set(table.map((s) => s.name));
  const unknown = Object.keys(values).filter((key) => !known.has(key));
  if (unknown.length) fail("settings", `keys from ${JSON.stringify([...known].sort())}`, JSON.stringify(unknown));
  return Object.fromEntries(table.map((s) => [s.name, checkSetting(s, s.name in values ? values[s.name] : s.default)]));
}

// =========================================================================== a training run (Session)

export const LOSS_POINTS = 50; // a run of numIters iterations records about this many points

/** Record about LOSS_POINTS times over numIters iterations. */
export function recordEveryFor(numIters) {
  return Math.max(1, Math.floor(numIters / LOSS_POINTS));
}

/**
 * One data set, one model, and the training run on them: `helpers.playground.state.Session`.
 *
 * table : the settings table (`Setting.as_dict()` of each). settings : values keyed by name.
 * seed : the starting weights' seed. points : [[x0, x1, k, heldOut], ...] added by hand.
 * spiral : whether the spiral's points are there too. clock : milliseconds, what deadlines are read on.
 * Attributes: settings, data, iteration, history (snapshots), diverged (null | { iteration, loss, reason }),
 * target (the iteration a retrain trains to, while it catches up), lastStep, dataVersion.
 */
export class Session {
  constructor(table, settings = {}, { seed = 0, points = [], spiral = true, clock = defaultClock } = {}) {
    this.table = table;
    this.effects = Object.fromEntries(table.map((s) => [s.name, s.effect]));
    this.settings = checkSettings(table, settings);
    this.seed = checkInteger(seed, "seed", 0, 0xffffffff);
    this.points = points.map((p) => [...p]);
    this.spiral = Boolean(spiral);
    this.clock = clock;
    this.dataVersion = 0;
    this.data = this.makeData();
    this.reset();
  }

  // ------------------------------------------------------------------- data and parameters

  makeData() {
    const s = this.settings;
    const base = this.spiral
      ? spiralSplit(s.points_per_class, s.classes, s.noise, s.held_out_share, s.data_seed)
      : emptyDataset(s.classes);
    this.dataVersion += 1;
    return withPoints(base, this.points);
  }

  initialParams() {
    const s = this.settings;
    return initialParams(s.model, s.classes, s.hidden_size, this.seed, s.points_per_class * s.classes);
  }

  /** The current parameters { W, b[, W2, b2] } (updated in place by training). */
  get params() {
    return this.ws.params;
  }

  /** Back to the seeded starting weights, iteration 0. */
  reset() {
    const { X, y, n } = this.data.train;
    this.ws = new Workspace(this.initialParams(), X, y, n);
    this.iteration = 0;
    this.diverged = null;
    this.target = null;
    this.lastStep = 0;
    this.referenceLoss = null;
    this.msPerIteration = null; // measured while training, for the deadlines
    this.paramsVersion = 0; // +1 whenever the parameters change
    this.nowCache = null;
    this.deadCache = null;
    this.historyVersion = (this.historyVersion ?? 0) + 1;
    this.history = [this.snapshot()];
  }

  snapshot() {
    const { heldOutPart } = this.data;
    const [trainLoss, trainAccuracy] = workspaceLossAndAccuracy(this.ws); // its forward pass serves the next iteration too
    const [heldOutLoss, heldOutAccuracy] = lossAndAccuracy(this.params, heldOutPart.X, heldOutPart.y, heldOutPart.n);
    return { iteration: this.iteration, trainLoss, heldOutLoss, trainAccuracy, heldOutAccuracy };
  }

  /** The last recorded snapshot. */
  get latest() {
    return this.history[this.history.length - 1];
  }

  /** Where training stands: the latest snapshot, or between two records of a retrain, a new one (not recorded). */
  now() {
    if (this.latest.iteration === this.iteration || this.diverged !== null) return this.latest;
    if (this.nowCache === null || this.nowCache.iteration !== this.iteration) this.nowCache = this.snapshot();
    return this.nowCache;
  }

  /** Whether there is something to train on and training has not diverged. */
  get canTrain() {
    return this.diverged === null && this.data.train.n > 0;
  }

  // ------------------------------------------------------------------- training

  /** Train numIters iterations from where training stands, without a snapshot; return how many ran. */
  trainSome(numIters) {
    const s = this.settings;
    const start = this.clock();
    const result = train(this.ws, {
      stepSize: s.step_size, reg: s.reg, numIters, recordEvery: numIters, referenceLoss: this.referenceLoss,
    });
    if (this.referenceLoss === null && result.lossHistory.length) this.referenceLoss = result.lossHistory[0][1];
    this.iteration += result.iterations;
    this.paramsVersion += 1;
    if (result.diverged !== null) {
      const d = result.diverged;
      this.diverged = { iteration: this.iteration - result.iterations + d.iteration, loss: d.loss, reason: d.reason };
    }
    if (result.iterations) {
      const measured = (this.clock() - start) / result.iterations;
      const previous = this.msPerIteration;
      // smoothed, so that one piece slowed by something else does not shrink the next ones
      this.msPerIteration = previous === null ? measured : 0.7 * previous + 0.3 * measured;
    }
    return result.iterations;
  }

  /** How many of `most` iterations fit before `deadline` at the measured rate (all with no deadline; one while unknown). */
  affordable(most, deadline) {
    if (deadline === Infinity) return most;
    if (this.msPerIteration === null) return Math.min(1, most);
    return Math.max(0, Math.min(most, Math.floor((deadline - this.clock()) / this.msPerIteration)));
  }

  /**
   * Train up to numIters more iterations (fewer if they do not fit before `deadline`, but at least one);
   * record a snapshot. Returns whether training can go on.
   */
  step(numIters, deadline = Infinity) {
    checkInteger(numIters, "numIters", 1);
    this.target = null;
    if (!this.canTrain) return false;
    let done = 0;
    while (done < numIters && this.canTrain) {
      const n = this.affordable(numIters - done, deadline);
      if (n === 0 && done) break;
      done += this.trainSome(Math.max(n, 1));
    }
    this.lastStep = done;
    if (done) this.history.push(this.snapshot());
    return this.diverged === null;
  }

  /** Back to the seeded starting weights, with settings.num_iters iterations to train (see `advance`). */
  startRetrain() {
    this.reset();
    this.target = this.settings.num_iters;
  }

  /** Whether a retrain started by `startRetrain` has iterations left to train. */
  get catchingUp() {
    return this.target !== null && this.iteration < this.target && this.canTrain;
  }

  /**
   * Train the retrain under way towards its target, until done or past `deadline`; return whether done.
   * A snapshot is recorded every recordEveryFor(target) iterations and at the end, so the run and its
   * history are the same however the deadlines split it.
   */
  advance(deadline = Infinity) {
    const every = recordEveryFor(this.target || 1);
    let done = 0;
    while (this.catchingUp) {
      const boundary = Math.min(this.target, (Math.floor(this.iteration / every) + 1) * every);
      const n = this.affordable(boundary - this.iteration, deadline);
      if (n === 0 && done) break;
      done += this.trainSome(Math.max(n, 1));
      if (this.iteration === boundary || (this.diverged !== null && this.iteration > this.latest.iteration)) {
        this.history.push(this.snapshot());
      }
    }
    if (!this.catchingUp) this.target = null;
    return this.target === null;
  }

  /** Start again from the seeded weights and train settings.num_iters iterations, all at once. */
  retrain() {
    this.startRetrain();
    this.advance();
  }

  // ------------------------------------------------------------------- changes

  /**
   * Change settings; return "live" (only live settings changed: training goes on with them), "reset"
   * (the model, the hidden size or the data changed: back to the seeded weights, new data drawn first
   * if needed) or "nothing" (no value changed, or only num_iters, the length of the next retrain).
   */
  apply(changes) {
    const next = checkSettings(this.table, { ...this.settings, ...changes });
    const changed = Object.keys(next).filter((key) => next[key] !== this.settings[key]);
    this.settings = next;
    if (changed.some((key) => this.effects[key] === "data")) this.data = this.makeData();
    if (changed.some((key) => this.effects[key] !== "live" && this.effects[key] !== "length")) {
      this.reset();
      return "reset";
    }
    return changed.some((key) => this.effects[key] === "live") ? "live" : "nothing";
  }

  /** Add a point of class k at (x0, x1); the data changed, so the weights are reset. */
  addPoint(x0, x1, k, heldOut = false) {
    if (!Number.isFinite(x0)) fail("x", "a finite number", x0);
    if (!Number.isFinite(x1)) fail("y", "a finite number", x1);
    checkInteger(k, "k", 0, this.settings.classes - 1);
    this.points.push([x0, x1, k, Boolean(heldOut)]);
    this.data = this.makeData();
    this.reset();
  }

  /** Replace the hand-added points and say whether the spiral is there too; reset. */
  setPoints(points, spiral) {
    this.points = points.map((p) => [...p]);
    this.spiral = Boolean(spiral);
    this.data = this.makeData();
    this.reset();
  }

  // ------------------------------------------------------------------- what to show

  /** (H,) Uint8Array of the dead hidden units for the current parameters, kept until they change. */
  deadUnits() {
    if (this.deadCache === null || this.deadCache.version !== this.paramsVersion) {
      const { X, n } = this.data.train;
      this.deadCache = { version: this.paramsVersion, dead: deadUnits(this.params, X, n) };
    }
    return this.deadCache.dead;
  }
}

function defaultClock() {
  return globalThis.performance.now();
}

// =========================================================================== LocalModel: the back end in the page

/** Every group of controls, as helpers.playground.settings.GROUPS lists them: the default of `shown`. */
function allGroups(table) {
  return [...new Set(["transport", ...table.map((s) => s.group), "draw", "view"])];
}

// How long a frame may train, in milliseconds: FRAME_TRAIN_MS, less what the last update (the grid,
// the snapshot, the hinge lines) took beyond FRAME_PERIOD_MS, and at least MIN_FRAME_TRAIN_MS, so that
// at the largest settings frames keep coming at 20 or more a second, drawing included.
export const FRAME_TRAIN_MS = 20;
export const FRAME_PERIOD_MS = 40;
export const MIN_FRAME_TRAIN_MS = 5;

const finiteOrNull = (x) => (x !== null && Number.isFinite(x) ? x : null);

/** A divergence as `str(helpers.train.Divergence)` says it: "training diverged at iteration N: <reason>". */
export function divergenceText({ iteration, reason }) {
  return `training diverged at iteration ${iteration}: ${reason}`;
}

/**
 * The playground's back end without a kernel: the six methods of an anywidget model (`get`, `set`,
 * `save_changes`, `on`, `off`, `send`) with a `Session` behind them.
 *
 * table, style, settings, shown : as the kernel's widget has them (JSON exported by Python); the style
 * table is the trait `style_table`, as in the kernel's widget.
 * seed : the starting weights' seed. frameTrainMs : the most a frame may train (FRAME_TRAIN_MS; 0: one
 * iteration a frame; Infinity: all of `speed`, and a retrain to its end, in one frame). clock : milliseconds
 * (performance.now).
 *
 * Every message `send` gets is answered, asynchronously, by exactly one update of `frame` (its seq + 1),
 * set together with `grid` (and `points` and `settings` when they changed).
 */
export class LocalModel {
  constructor({ table, style = {}, settings = {}, shown = null, seed = 0, frameTrainMs = FRAME_TRAIN_MS,
    clock = defaultClock } = {}) {
    if (!Array.isArray(table)) fail("table", "the list of settings (Setting.as_dict() of each)", table);
    this.frameTrainMs = frameTrainMs;
    this.clock = clock;
    this.session = new Session(table, settings, { seed, clock });
    this.playing = false;
    this.listeners = new Map();
    this.seq = -1;
    this.sentHistoryVersion = null;
    this.sentCount = 0; // history entries already sent in `frame.curve`
    this.sentNow = false; // whether the last curve ended with a point not recorded in the history
    this.sentDataVersion = null;
    this.publishMs = 0; // how long the last update took to make
    this.traits = {
      table,
      style_table: style,
      settings: { ...this.session.settings },
      shown: shown ?? allGroups(table),
      show_held_out: true,
      show_hinges: false,
    };
    this.session.startRetrain();
    this.session.advance(this.deadline());
    this.publish(false);
  }

  // ------------------------------------------------------------------- anywidget's model

  get(name) {
    return this.traits[name];
  }

  set(name, value) {
    const old = this.traits[name];
    this.traits[name] = value;
    if (old !== value) this.emit(`change:${name}`, value);
  }

  save_changes() {}

  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }

  off(event, callback) {
    if (event === undefined) this.listeners.clear();
    else if (callback === undefined) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(callback);
  }

  emit(event, value) {
    for (const callback of [...(this.listeners.get(event) ?? [])]) callback(this, value);
  }

  /**
   * A message from the front end; answered later by one frame update (never inside this call). A
   * microtask, not a timer: the front end asks for the next frame right after drawing, inside an
   * animation frame, and the answer is made at once, ready for the next one, instead of waiting behind
   * the page's painting for a timer's turn.
   */
  send(msg) {
    queueMicrotask(() => this.receive(msg));
  }

  // ------------------------------------------------------------------- what each message does

  receive(msg) {
    try {
      this.act(msg);
    } catch (error) {
      this.lastError = error;
      globalThis.console?.error?.(error);
    }
    this.publish(true);
  }

  /** The time by which this frame's training stops (see FRAME_TRAIN_MS). */
  deadline() {
    if (this.frameTrainMs === Infinity) return Infinity;
    const room = FRAME_PERIOD_MS - this.publishMs;
    return this.clock() + Math.min(this.frameTrainMs, Math.max(MIN_FRAME_TRAIN_MS, room));
  }

  act(msg) {
    const session = this.session;
    switch (msg?.type) {
      case "frame":
        if (this.playing) this.frame();
        else if (session.catchingUp) session.advance(this.deadline());
        return;
      case "play":
        this.playing = session.canTrain; // nothing to train on, or diverged: stay paused
        return;
      case "pause":
        this.playing = false;
        return;
      case "step":
        if (!this.playing) session.step(session.settings.speed);
        return;
      case "reset":
        session.reset();
        return;
      case "set": {
        if (msg.name === "num_iters") this.playing = false;
        this.afterChange(session.apply({ [msg.name]: msg.value }), msg.name);
        return;
      }
      case "new_sample":
        this.afterChange(session.apply({ data_seed: session.settings.data_seed + 1 }));
        return;
      case "clear_points":
        session.setPoints([], true);
        this.afterChange("reset");
        return;
      case "empty_plane":
        session.setPoints(session.points, false);
        this.afterChange("reset");
        return;
      case "click":
        session.addPoint(msg.x, msg.y, msg.k, Boolean(msg.held_out));
        this.afterChange("reset");
        return;
      default:
        fail("msg.type", "one of frame, set, play, pause, step, reset, new_sample, clear_points, empty_plane, click",
          msg?.type);
    }
  }

  /** One frame of playing: `speed` iterations, fewer if they do not fit in the frame's time. */
  frame() {
    this.session.step(this.session.settings.speed, this.deadline());
    if (!this.session.canTrain) this.playing = false;
  }

  /**
   * After a change: while playing, a live change trains a frame at once and a reset goes on from
   * iteration 0; while paused, a retrain from the seed (its first piece now), except for `speed`.
   */
  afterChange(kind, name = null) {
    if (this.playing) {
      if (kind === "live") this.frame();
      return;
    }
    if (name === "speed") return;
    this.session.startRetrain();
    this.session.advance(this.deadline());
  }

  // ------------------------------------------------------------------- the update

  /** The loss points the front end lacks: { curve_reset, curve }. */
  curveUpdate() {
    const session = this.session;
    const now = session.now();
    const extra = now === session.latest ? [] : [now];
    const reset = this.sentHistoryVersion !== session.historyVersion || this.sentNow;
    const from = reset ? 0 : this.sentCount;
    const curve = [...session.history.slice(from), ...extra].map(
      (s) => [s.iteration, finiteOrNull(s.trainLoss), finiteOrNull(s.heldOutLoss)]);
    this.sentHistoryVersion = session.historyVersion;
    this.sentCount = session.history.length;
    this.sentNow = extra.length > 0;
    return { curve_reset: reset, curve };
  }

  /** The frame dict of the contract, for where training stands. */
  frameFields() {
    const session = this.session;
    const s = session.settings;
    const snap = session.now();
    const twoLayer = isTwoLayer(session.params);
    const dead = twoLayer ? session.deadUnits() : null;
    const hinges = [];
    if (twoLayer) {
      const segments = hingeSegments(session.params.W, session.params.b, EXTENT);
      for (let j = 0; j < dead.length; j++) {
        if (!Number.isNaN(segments[4 * j])) hinges.push([...segments.subarray(4 * j, 4 * j + 4), dead[j]]);
      }
    }
    const catchingUp = session.catchingUp;
    return {
      seq: this.seq,
      playing: this.playing,
      catching_up: catchingUp,
      iteration: session.iteration,
      target: catchingUp ? session.target : null,
      model: s.model,
      K: s.classes,
      H: twoLayer ? s.hidden_size : null,
      extent: [...EXTENT],
      grid_size: GRID_SIZE,
      train_loss: finiteOrNull(snap.trainLoss),
      held_out_loss: finiteOrNull(snap.heldOutLoss),
      train_accuracy: snap.trainAccuracy,
      held_out_accuracy: snap.heldOutAccuracy,
      n_train: session.data.train.n,
      n_held_out: session.data.heldOutPart.n,
      last_step: session.lastStep,
      speed: s.speed,
      ...this.curveUpdate(),
      num_iters: s.num_iters,
      hinges,
      dead_units: twoLayer ? dead.reduce((a, b) => a + b, 0) : null,
      diverged: session.diverged === null ? null : divergenceText(session.diverged),
      data_version: session.dataVersion,
    };
  }

  /** The points trait: { X: [x0, y0, x1, y1, ...], y: [k, ...], held_out: [0|1, ...] }. */
  pointsTrait() {
    const { X, y, heldOut } = this.session.data;
    return { X: Array.from(X), y: Array.from(y), held_out: Array.from(heldOut) };
  }

  /** Set frame, grid, and points and settings if they changed, then tell the listeners (frame last). */
  publish(notify) {
    const start = this.clock();
    this.seq += 1;
    const changed = [];
    const session = this.session;
    if (this.sentDataVersion !== session.dataVersion) {
      this.traits.points = this.pointsTrait();
      this.sentDataVersion = session.dataVersion;
      changed.push("points");
    }
    if (Object.keys(session.settings).some((key) => session.settings[key] !== this.traits.settings[key])) {
      this.traits.settings = { ...session.settings };
      changed.push("settings");
    }
    const grid = classGrid(session.params, EXTENT, GRID_SIZE);
    this.traits.grid = new DataView(grid.buffer);
    this.traits.frame = this.frameFields();
    this.publishMs = this.clock() - start;
    if (!notify) return;
    for (const name of [...changed, "grid", "frame"]) this.emit(`change:${name}`, this.traits[name]);
  }
}
