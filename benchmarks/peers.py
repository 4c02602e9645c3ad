"""The course's 2-layer task timed in other libraries: `make bench-peers`.

The task: the course's spiral (helpers.course.course_net_setup(), 300 points, 3
classes), a 2-layer ReLU network with H = 100, full-batch gradient descent with
step size 1 and L2 strength reg = 1e-3 (0.5 * reg * ||W||^2 on both weight
matrices, none on the biases), 10000 iterations, float64.  Timed, in this one
process:

  - the course's code (benchmarks/course_baseline.py), the reference of every ratio;
  - helpers.train.train;
  - JAX: one jitted function, the step inside jax.lax.fori_loop (x64 enabled); the
    first call compiles, so the time shown is of later calls, compile time apart;
  - scikit-learn's MLPClassifier, solver='sgd', full batch, no momentum, alpha =
    reg * n (sklearn's penalty is alpha / (2 n) * ||W||^2); with its own
    initialisation, and again started from the course's numbers;
  - PyTorch eager, float64, the course's forward and backward written by hand
    with torch tensors, on 1 thread and on torch's default thread count.

Each line is the best of --repeats runs (interleaved, so that a busy spell of the
machine hits all alike), the loss and training accuracy of the trained
parameters (the course's loss formula, evaluated with NumPy on each peer's final
weights, so that they read alike), and the ratio of the course code's best time
to this one's: > 1 means faster than the course's code.  A peer that cannot be
imported is reported as skipped, with the reason.

Nothing here asserts a time: the machine this runs on may be busy.  Run it with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (as `make bench-peers` does), so that
OpenBLAS picks its kernel for this CPU itself.
"""
import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import course_baseline  # noqa: E402  (the course's code, the baseline)
from helpers import course  # noqa: E402
from helpers.train import train  # noqa: E402

ITERS, STEP, REG = course.NET_ITERS, course.STEP_SIZE, course.REG


def first_line(exc):
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0][:100] if lines else ''}"


def course_loss(X, y, W, b, W2, b2):
    """The course's loss (mean cross-entropy + 0.5 reg ||W||^2 + 0.5 reg ||W2||^2), in NumPy."""
    W, b, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (W, b, W2, b2))
    scores = np.maximum(0, X @ W + b.reshape(1, -1)) @ W2 + b2.reshape(1, -1)
    scores -= scores.max(axis=1, keepdims=True)
    logp = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    return -logp[np.arange(len(y)), y].mean() + 0.5 * REG * (np.sum(W * W) + np.sum(W2 * W2))


def course_accuracy(X, y, W, b, W2, b2):
    W, b, W2, b2 = (np.asarray(a, dtype=np.float64) for a in (W, b, W2, b2))
    return course_baseline.accuracy_two_layer(X, y, W, b.reshape(1, -1), W2, b2.reshape(1, -1))


# --------------------------------------------------------------------------- the peers
# Each maker takes (X, y, p) and returns (run, note): run() trains once from p and
# returns the final (W, b, W2, b2). A maker raises if its library is missing.

def make_course(X, y, p):
    def run():
        return course_baseline.train_two_layer(X, y, p["W"], p["b"], p["W2"], p["b2"], step_size=STEP,
                                               reg=REG, num_iters=ITERS, record_every=course.NET_RECORD_EVERY)[1:]
    return run, ""


def make_helpers(X, y, p):
    def run():
        r = train(p, X, y, step_size=STEP, reg=REG, num_iters=ITERS, record_every=course.NET_RECORD_EVERY)
        return r.params["W"], r.params["b"], r.params["W2"], r.params["b2"]
    return run, ""


def make_jax(X, y, p):
    import jax
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    Xj, yj = jnp.asarray(X), jnp.asarray(y)
    n = X.shape[0]

    def loss(params):
        W, b, W2, b2 = params
        scores = jax.nn.relu(Xj @ W + b) @ W2 + b2
        logp = jax.nn.log_softmax(scores, axis=1)
        return -jnp.mean(logp[jnp.arange(n), yj]) + 0.5 * REG * (jnp.sum(W * W) + jnp.sum(W2 * W2))

    grad = jax.grad(loss)

    @jax.jit
    def fit(params):
        def step(_, params):
            return jax.tree_util.tree_map(lambda a, g: a - STEP * g, params, grad(params))
        return jax.lax.fori_loop(0, ITERS, step, params)

    start = tuple(jnp.asarray(p[k], dtype=jnp.float64) for k in ("W", "b", "W2", "b2"))
    t0 = time.perf_counter()
    jax.block_until_ready(fit(start))  # compiles (and runs once): not in the timings
    compile_s = time.perf_counter() - t0

    def run():
        return tuple(np.asarray(a) for a in jax.block_until_ready(fit(start)))
    return run, (f"jax {jax.__version__}, {jax.default_backend()}; first call (compile + run) "
                 f"{compile_s:.2f} s, excluded")


def _sklearn_model(n, max_iter, warm_start=False):
    from sklearn.neural_network import MLPClassifier
    return MLPClassifier(hidden_layer_sizes=(course.HIDDEN_SIZE,), activation="relu", solver="sgd",
                         learning_rate="constant", learning_rate_init=STEP, alpha=REG * n, batch_size=n,
                         momentum=0.0, nesterovs_momentum=False, max_iter=max_iter, tol=0.0,
                         n_iter_no_change=max_iter, shuffle=False, early_stopping=False,
                         random_state=0, warm_start=warm_start)


def _sklearn_params(m):
    return m.coefs_[0], m.intercepts_[0], m.coefs_[1], m.intercepts_[1]


def make_sklearn(X, y, p):
    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    def run():
        m = _sklearn_model(len(y), ITERS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m.fit(X, y)
        return _sklearn_params(m)
    return run, f"scikit-learn {sklearn.__version__}; its own init (Glorot uniform, random_state=0)"


def make_sklearn_course_init(X, y, p):
    """MLPClassifier started from the course's W, b, W2, b2: a 1-iteration fit builds the
    model, its weights are overwritten, and a warm-started fit (the one timed) trains."""
    import sklearn  # noqa: F401
    from sklearn.exceptions import ConvergenceWarning

    def run():
        m = _sklearn_model(len(y), 1, warm_start=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m.fit(X, y)
            m.coefs_ = [p["W"].copy(), p["W2"].copy()]
            m.intercepts_ = [p["b"].ravel().copy(), p["b2"].ravel().copy()]
            m.set_params(max_iter=ITERS, n_iter_no_change=ITERS)
            m.fit(X, y)
        return _sklearn_params(m)
    return run, "the course's init; time includes a 1-iteration set-up fit"


def make_torch(threads):
    def maker(X, y, p):
        import torch
        n = X.shape[0]
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))
        rows = torch.arange(n)

        def run():
            old = torch.get_num_threads()
            if threads:
                torch.set_num_threads(threads)
            try:
                W, b, W2, b2 = (torch.tensor(p[k], dtype=torch.float64) for k in ("W", "b", "W2", "b2"))
                with torch.no_grad():
                    for _ in range(ITERS):  # the course's loop, in torch
                        hidden = torch.relu(Xt @ W + b)
                        scores = hidden @ W2 + b2
                        probs = torch.softmax(scores, dim=1)
                        dscores = probs
                        dscores[rows, yt] -= 1
                        dscores /= n
                        dW2 = hidden.T @ dscores + REG * W2
                        db2 = dscores.sum(0, keepdim=True)
                        dhidden = dscores @ W2.T
                        dhidden[hidden <= 0] = 0
                        dW = Xt.T @ dhidden + REG * W
                        db = dhidden.sum(0, keepdim=True)
                        W -= STEP * dW
                        b -= STEP * db
                        W2 -= STEP * dW2
                        b2 -= STEP * db2
            finally:
                torch.set_num_threads(old)
            return tuple(a.numpy() for a in (W, b, W2, b2))
        nthreads = threads or torch.get_num_threads()
        return run, f"torch {torch.__version__}, {nthreads} thread{'s' if nthreads > 1 else ''}"
    return maker


PEERS = [
    ("course code (benchmarks/course_baseline.py)", make_course),
    ("helpers.train", make_helpers),
    ("JAX, jit + lax.fori_loop (compile excluded)", make_jax),
    ("scikit-learn MLPClassifier, sgd, full batch", make_sklearn),
    ("scikit-learn MLPClassifier, course's init", make_sklearn_course_init),
    ("PyTorch eager, hand-written backward, 1 thread", make_torch(1)),
    ("PyTorch eager, hand-written backward, default", make_torch(None)),
]


# --------------------------------------------------------------------------- environment report

def blas_report():
    """Which BLAS NumPy uses and with which kernel, and the OpenBLAS variables set."""
    lines = []
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            if info.get("user_api") == "blas":
                lines.append(f"{info.get('internal_api')} {info.get('version')}, kernel "
                             f"{info.get('architecture')}, {info.get('num_threads')} threads "
                             f"({Path(info.get('filepath', '')).name})")
        if not lines:
            lines.append("threadpoolctl found no BLAS loaded")
    except ImportError:
        try:
            import contextlib
            import io
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                np.show_runtime()
            lines.append("numpy.show_runtime(): " + " ".join(buf.getvalue().split())[:300])
        except Exception as exc:  # very old NumPy
            lines.append(f"BLAS kernel unknown ({first_line(exc)})")
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                                          "OMP_NUM_THREADS")}
    lines.append(", ".join(f"{k}={v if v is not None else 'unset'}" for k, v in env.items()))
    if env["OPENBLAS_CORETYPE"] or env["OPENBLAS_L2_SIZE"]:
        lines.append("NOTE: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set: OpenBLAS does not pick its own "
                     "kernel; `make bench-peers` runs with both unset")
    return lines


# --------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs of each peer; the best is shown (default 3)")
    parser.add_argument("--slow", type=float, default=30.0,
                        help="a peer whose first run takes longer than this many seconds is run only once")
    args = parser.parse_args(argv)

    X, y, p = course.course_net_setup()
    print(f"benchmarks/peers.py: Python {platform.python_version()}, NumPy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    for line in blas_report():
        print("  " + line)
    print(f"task: course spiral n={len(y)}, H={course.HIDDEN_SIZE}, step {STEP}, reg {REG}, "
          f"{ITERS} iterations, float64, full batch; best of {args.repeats}")

    peers, skipped = [], []
    for name, maker in PEERS:
        try:
            run, note = maker(X, y, p)
        except Exception as exc:  # ImportError, or a library that cannot start here
            skipped.append((name, first_line(exc)))
            continue
        peers.append({"name": name, "run": run, "note": note, "times": [], "out": None})

    for rep in range(args.repeats):
        for peer in peers:
            if peer.get("error") or (rep > 0 and peer["times"] and min(peer["times"]) > args.slow):
                continue
            try:
                t0 = time.perf_counter()
                peer["out"] = peer["run"]()
                peer["times"].append(time.perf_counter() - t0)
            except Exception as exc:
                peer["error"] = first_line(exc)

    base = min(peers[0]["times"])
    print(f"\n  {'':48s} {'best':>9s}  {'runs':>4s}  {'loss':>8s}  {'acc':>5s}  {'vs course':>9s}")
    for peer in peers:
        if peer.get("error"):
            print(f"  {peer['name']:48s} failed: {peer['error']}")
            continue
        best = min(peer["times"])
        loss, acc = course_loss(X, y, *peer["out"]), course_accuracy(X, y, *peer["out"])
        print(f"  {peer['name']:48s} {best:8.3f}s  {len(peer['times']):4d}  {loss:8.6f}  {acc:5.2f}  "
              f"{base / best:8.2f}x" + (f"   [{peer['note']}]" if peer["note"] else ""))
    for name, reason in skipped:
        print(f"  {name:48s} skipped: {reason}")
    print("\n  loss: the course's loss formula on each peer's final weights; acc: training accuracy;\n"
          "  vs course: the course code's best time / this one's, from this run (> 1 is faster).\n"
          "  scikit-learn minimises the same loss (log-loss + alpha/(2n)||W||^2 with alpha = reg*n = "
          f"{REG * len(y):g},\n  weights only, as the course) but with its own Glorot-uniform init unless "
          "started from the course's;\n  it also clips probabilities in its log-loss and does per-epoch "
          "bookkeeping (loss curve, no-improvement check).\n"
          "  JAX's XLA and PyTorch's default choose their own thread counts; NumPy uses OpenBLAS's threads.")
    print(f"\nload average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
