"""What each trick of helpers.train buys:
`.venv/bin/python benchmarks/tricks.py [repeats] [--size N H] [--cpu]`.

A ladder of training loops for the 2-layer task (the course's: 300 points, H = 100;
or any size of the scaling table with --size), from the course's own code to
``helpers.train.train``; each rung adds one trick to the one before.  All are timed
in this one process, in a notebook kernel's allocator state (common.enter_kernel_state),
alternating, and the best time per iteration is printed with the speed-up of each
step.  With --cpu the time is this thread's CPU time (time.thread_time), which a
busy machine disturbs less; run it with OPENBLAS_NUM_THREADS=1 so that the products
run in this thread too.  The rungs are for timing only (only the first and the last
follow the course's exact arithmetic); their losses are printed at the end as a
sanity check.

Then two measurements behind choices in ``helpers.train`` that the ladder does not show:

* the ReLU mask as floats or as booleans, for (H, n) arrays in the L2 cache and beyond
  it: a product of floats with booleans converts them on every use, which cost more
  than streaming the 8 bytes an entry of a float mask at every size on the machine
  the README's figures come from; helpers.train keeps floats;
* the ReLU switch as a product with the mask against the course's assignment through
  a boolean index, ``dhidden[hidden_layer <= 0] = 0``, which goes element by element.
"""

import argparse
import functools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (puts the project on sys.path)
from course_baseline import train_two_layer  # noqa: E402
from helpers.train import train  # noqa: E402


def v1_inplace(X, y, p, iters, reg=1e-3, step=1.0):
    """course layout (N,H)/(N,K); every array preallocated, out= / in place; still fancy indexing,
    boolean-mask ReLU switch, np.sum along short rows, separate biases."""
    N, D = X.shape
    H = p["W"].shape[1]
    K = p["W2"].shape[1]
    W, b, W2, b2 = (p[k].copy() for k in ("W", "b", "W2", "b2"))
    hidden = np.empty((N, H))
    scores = np.empty((N, K))
    rowsum = np.empty((N, 1))
    dhidden = np.empty((N, H))
    dW = np.empty_like(W)
    db = np.empty_like(b)
    dW2 = np.empty_like(W2)
    db2 = np.empty_like(b2)
    dead = np.empty((N, H), bool)
    tW = np.empty_like(W)
    tW2 = np.empty_like(W2)
    rows = np.arange(N)
    for _ in range(iters):
        np.dot(X, W, out=hidden)
        hidden += b
        np.maximum(hidden, 0, out=hidden)
        np.dot(hidden, W2, out=scores)
        scores += b2
        np.exp(scores, out=scores)
        np.sum(scores, axis=1, keepdims=True, out=rowsum)
        scores /= rowsum
        loss = -np.log(scores[rows, y]).sum() / N + 0.5 * reg * np.vdot(W, W) + 0.5 * reg * np.vdot(W2, W2)
        scores[rows, y] -= 1
        scores /= N
        np.dot(hidden.T, scores, out=dW2)
        np.sum(scores, axis=0, keepdims=True, out=db2)
        np.dot(scores, W2.T, out=dhidden)
        np.less_equal(hidden, 0, out=dead)
        dhidden[dead] = 0
        np.dot(X.T, dhidden, out=dW)
        np.sum(dhidden, axis=0, keepdims=True, out=db)
        dW2 += np.multiply(reg, W2, out=tW2)
        dW += np.multiply(reg, W, out=tW)
        dW *= -step
        W += dW
        db *= -step
        b += db
        dW2 *= -step
        W2 += dW2
        db2 *= -step
        b2 += db2
    return loss


def v2_switch(X, y, p, iters, reg=1e-3, step=1.0):
    """+ ReLU switch as a product with a boolean mask instead of boolean-mask assignment"""
    N, D = X.shape
    H = p["W"].shape[1]
    K = p["W2"].shape[1]
    W, b, W2, b2 = (p[k].copy() for k in ("W", "b", "W2", "b2"))
    hidden = np.empty((N, H))
    scores = np.empty((N, K))
    rowsum = np.empty((N, 1))
    dhidden = np.empty((N, H))
    dW = np.empty_like(W)
    db = np.empty_like(b)
    dW2 = np.empty_like(W2)
    db2 = np.empty_like(b2)
    alive = np.empty((N, H), bool)
    tW = np.empty_like(W)
    tW2 = np.empty_like(W2)
    rows = np.arange(N)
    for _ in range(iters):
        np.dot(X, W, out=hidden)
        hidden += b
        np.maximum(hidden, 0, out=hidden)
        np.dot(hidden, W2, out=scores)
        scores += b2
        np.exp(scores, out=scores)
        np.sum(scores, axis=1, keepdims=True, out=rowsum)
        scores /= rowsum
        loss = -np.log(scores[rows, y]).sum() / N + 0.5 * reg * np.vdot(W, W) + 0.5 * reg * np.vdot(W2, W2)
        scores[rows, y] -= 1
        scores /= N
        np.dot(hidden.T, scores, out=dW2)
        np.sum(scores, axis=0, keepdims=True, out=db2)
        np.dot(scores, W2.T, out=dhidden)
        np.greater(hidden, 0, out=alive)
        dhidden *= alive
        np.dot(X.T, dhidden, out=dW)
        np.sum(dhidden, axis=0, keepdims=True, out=db)
        dW2 += np.multiply(reg, W2, out=tW2)
        dW += np.multiply(reg, W, out=tW)
        dW *= -step
        W += dW
        db *= -step
        b += db
        dW2 *= -step
        W2 += dW2
        db2 *= -step
        b2 += db2
    return loss


def v3_onehot(X, y, p, iters, reg=1e-3, step=1.0):
    """+ one-hot labels: correct-class probabilities and dscores without fancy indexing"""
    N, D = X.shape
    H = p["W"].shape[1]
    K = p["W2"].shape[1]
    W, b, W2, b2 = (p[k].copy() for k in ("W", "b", "W2", "b2"))
    hidden = np.empty((N, H))
    scores = np.empty((N, K))
    rowsum = np.empty((N, 1))
    dhidden = np.empty((N, H))
    dW = np.empty_like(W)
    db = np.empty_like(b)
    dW2 = np.empty_like(W2)
    db2 = np.empty_like(b2)
    alive = np.empty((N, H), bool)
    tW = np.empty_like(W)
    tW2 = np.empty_like(W2)
    onehot = np.zeros((N, K))
    onehot[np.arange(N), y] = 1
    picked = np.empty((N, K))
    cp = np.empty(N)
    for _ in range(iters):
        np.dot(X, W, out=hidden)
        hidden += b
        np.maximum(hidden, 0, out=hidden)
        np.dot(hidden, W2, out=scores)
        scores += b2
        np.exp(scores, out=scores)
        np.sum(scores, axis=1, keepdims=True, out=rowsum)
        scores /= rowsum
        np.sum(np.multiply(scores, onehot, out=picked), axis=1, out=cp)
        loss = -np.log(cp, out=cp).sum() / N + 0.5 * reg * np.vdot(W, W) + 0.5 * reg * np.vdot(W2, W2)
        scores -= onehot
        scores /= N
        np.dot(hidden.T, scores, out=dW2)
        np.sum(scores, axis=0, keepdims=True, out=db2)
        np.dot(scores, W2.T, out=dhidden)
        np.greater(hidden, 0, out=alive)
        dhidden *= alive
        np.dot(X.T, dhidden, out=dW)
        np.sum(dhidden, axis=0, keepdims=True, out=db)
        dW2 += np.multiply(reg, W2, out=tW2)
        dW += np.multiply(reg, W, out=tW)
        dW *= -step
        W += dW
        db *= -step
        b += db
        dW2 *= -step
        W2 += dW2
        db2 *= -step
        b2 += db2
    return loss


def v4_fold(X, y, p, iters, reg=1e-3, step=1.0):
    """+ biases folded into the weights (a column of ones): no += b, db and db2 from the products"""
    N, D = X.shape
    H = p["W"].shape[1]
    K = p["W2"].shape[1]
    X1 = np.hstack([X, np.ones((N, 1))])
    Wb = np.vstack([p["W"], p["b"]])
    W = Wb[:D]
    W2b = np.vstack([p["W2"], p["b2"]])
    W2 = W2b[:H]
    b2 = W2b[H:]
    hid1 = np.ones((N, H + 1))
    hidden = hid1[:, :H]
    scores = np.empty((N, K))
    rowsum = np.empty((N, 1))
    dhidden = np.empty((N, H))
    dWb = np.empty_like(Wb)
    dW = dWb[:D]
    dW2b = np.empty_like(W2b)
    dW2 = dW2b[:H]
    alive = np.empty((N, H), bool)
    tW = np.empty_like(W)
    tW2 = np.empty_like(W2)
    onehot = np.zeros((N, K))
    onehot[np.arange(N), y] = 1
    picked = np.empty((N, K))
    cp = np.empty(N)
    for _ in range(iters):
        np.matmul(X1, Wb, out=hidden)
        np.maximum(hidden, 0, out=hidden)
        np.matmul(hidden, W2, out=scores)
        scores += b2
        np.exp(scores, out=scores)
        np.sum(scores, axis=1, keepdims=True, out=rowsum)
        scores /= rowsum
        np.sum(np.multiply(scores, onehot, out=picked), axis=1, out=cp)
        loss = -np.log(cp, out=cp).sum() / N + 0.5 * reg * np.vdot(W, W) + 0.5 * reg * np.vdot(W2, W2)
        scores -= onehot
        scores /= N
        np.matmul(hid1.T, scores, out=dW2b)
        np.matmul(scores, W2.T, out=dhidden)
        np.greater(hidden, 0, out=alive)
        dhidden *= alive
        np.matmul(X1.T, dhidden, out=dWb)
        dW2 += np.multiply(reg, W2, out=tW2)
        dW += np.multiply(reg, W, out=tW)
        dWb *= -step
        Wb += dWb
        dW2b *= -step
        W2b += dW2b
    return loss


def v5_transposed(X, y, p, iters, reg=1e-3, step=1.0):
    """+ transposed (K,N)/(H,N) layout; sums over classes as np.add.reduce over axis 0 (long rows)"""
    N, D = X.shape
    H = p["W"].shape[1]
    K = p["W2"].shape[1]
    X1T = np.ones((D + 1, N))
    X1T[:D] = X.T
    Wb = np.vstack([p["W"], p["b"]])
    W = Wb[:D]
    W2b = np.vstack([p["W2"], p["b2"]])
    W2 = W2b[:H]
    b2c = W2b[H:].T
    hid1 = np.ones((H + 1, N))
    hidden = hid1[:H]
    scores = np.empty((K, N))
    probs = np.empty((K, N))
    colsum = np.empty(N)
    dhidden = np.empty((H, N))
    dWb = np.empty_like(Wb)
    dW = dWb[:D]
    dW2b = np.empty_like(W2b)
    dW2 = dW2b[:H]
    alive = np.empty((H, N), bool)
    tW = np.empty_like(W)
    tW2 = np.empty_like(W2)
    onehot = np.zeros((K, N))
    onehot[y, np.arange(N)] = 1
    picked = np.empty((K, N))
    cp = np.empty(N)
    for _ in range(iters):
        np.matmul(Wb.T, X1T, out=hidden)
        np.maximum(hidden, 0, out=hidden)
        np.matmul(W2.T, hidden, out=scores)
        scores += b2c
        np.exp(scores, out=probs)
        np.add.reduce(probs, axis=0, out=colsum)
        probs /= colsum
        np.add.reduce(np.multiply(probs, onehot, out=picked), axis=0, out=cp)
        loss = -np.add.reduce(np.log(cp, out=cp)) / N + 0.5 * reg * np.vdot(W, W) + 0.5 * reg * np.vdot(W2, W2)
        probs -= onehot
        probs /= N
        np.matmul(hid1, probs.T, out=dW2b)
        np.matmul(W2, probs, out=dhidden)
        np.greater(hidden, 0, out=alive)
        dhidden *= alive
        np.matmul(X1T, dhidden.T, out=dWb)
        dW2 += np.multiply(reg, W2, out=tW2)
        dW += np.multiply(reg, W, out=tW)
        dWb *= -step
        Wb += dWb
        dW2b *= -step
        W2b += dW2b
    return loss


def v6_final(X, y, p, iters):
    """helpers.train: + dhidden written over hidden_layer, the ReLU and its switch as products with one
    float mask, the step size folded into dscores, L2 as a weight decay, b2 folded into W2, and one
    update for all the parameters"""
    return train(p, X, y, num_iters=iters, record_every=iters - 1).loss_history[-1][1]


def course(X, y, p, iters):
    """the course's own loop"""
    return train_two_layer(X, y, p["W"], p["b"], p["W2"], p["b2"], num_iters=iters, record_every=iters - 1)[0][-1][1]


CLOCK = time.perf_counter  # time.thread_time with --cpu


def best_seconds(fn, repeats, number):
    """Best over ``repeats`` runs of the time of one ``fn()``, each run timing ``number`` calls."""
    times = []
    for _ in range(repeats):
        start = CLOCK()
        for _ in range(number):
            fn()
        times.append((CLOCK() - start) / number)
    return min(times)


def relu_and_switch(hidden, dhidden, alive):
    """The ReLU and its backward switch as products with one 0/1 mask, as helpers.train does them."""
    np.greater(hidden, 0.0, out=alive)
    np.multiply(hidden, alive, out=hidden)
    np.multiply(dhidden, alive, out=dhidden)


def switch_by_index(hidden, dhidden):
    """The course's switch: an assignment through a boolean index."""
    dhidden[hidden <= 0] = 0


def mask_and_switch(repeats):
    """Time the ReLU mask as floats or booleans, and the switch as a product or a boolean-index assignment."""
    print(f"\nThe ReLU mask, (H, n) float arrays of 240 kB, 2.4 MB and 24 MB, best of {repeats} runs:")
    rng = np.random.RandomState(0)
    for H, n in ((100, 300), (100, 3000), (100, 30000)):
        hidden, dhidden = rng.standard_normal((H, n)), rng.standard_normal((H, n))
        alive_float, alive_bool = np.empty((H, n)), np.empty((H, n), bool)
        number = max(3, 3_000_000 // (H * n))
        t_float = best_seconds(functools.partial(relu_and_switch, hidden, dhidden, alive_float), repeats, number)
        t_bool = best_seconds(functools.partial(relu_and_switch, hidden, dhidden, alive_bool), repeats, number)
        t_index = best_seconds(functools.partial(switch_by_index, hidden, dhidden), repeats, number)
        print(
            f"  H x n = {H * n:>8}: "
            f"float mask {t_float * 1e6:8.1f} us, bool mask {t_bool * 1e6:8.1f} us "
            f"(float {t_bool / t_float:4.2f}x as fast); switch by boolean index {t_index * 1e6:8.1f} us"
        )


def main(argv=None):
    global CLOCK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repeats", type=int, nargs="?", default=5, help="alternating runs of each rung (default 5)")
    parser.add_argument("--size", type=int, nargs=2, metavar=("N", "H"), default=common.COURSE_SIZE,
                        help="points and hidden units (default: the course's, 300 100)")
    parser.add_argument("--cpu", action="store_true", help="time this thread's CPU time, not the wall clock")
    args = parser.parse_args(argv)
    CLOCK = time.thread_time if args.cpu else time.perf_counter
    repeats = args.repeats
    print(common.enter_kernel_state())
    X, y, p = common.task(*args.size)
    iters = max(3, common.SIZES.get(tuple(args.size), 2000) // 5)
    variants = [
        ("0 course code (the baseline)", course),
        ("1 preallocated buffers, out= / in place", v1_inplace),
        ("2 + ReLU switch as a product with a mask", v2_switch),
        ("3 + one-hot labels", v3_onehot),
        ("4 + biases folded into the weights", v4_fold),
        ("5 + transposed (K,N)/(H,N) layout", v5_transposed),
        ("6 helpers.train: + float mask, folded step", v6_final),
    ]
    times = {name: [] for name, _ in variants}
    for _ in range(repeats):
        for name, fn in variants:
            start = CLOCK()
            fn(X, y, p, iters)
            times[name].append((CLOCK() - start) / iters)
    print(f"2-layer task, N = {len(y)}, H = {p['W'].shape[1]}, {iters} iterations, best of {repeats} alternating runs "
          f"({'CPU time of this thread' if args.cpu else 'wall time'}; {common.load_now()}):")
    base = prev = None
    for name, _ in variants:
        best = min(times[name])
        base = base or best
        step = "" if prev is None else f"   this step {prev / best:4.2f}x"
        print(f"  {name:44s} {best * 1e6:9.1f} us/iter  {base / best:5.2f}x the course{step}")
        prev = best
    print("  loss at the last iteration:", " ".join(f"{fn(X, y, p, iters):.6f}" for _, fn in variants))
    mask_and_switch(repeats)


if __name__ == "__main__":
    main()
