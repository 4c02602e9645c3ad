"""The course's 2-layer task timed in other libraries, at the course's size and the scaling
table's: `make bench-peers`.

The task: a spiral of 3 classes, a 2-layer ReLU network, full-batch gradient descent
with step size 1 and L2 strength reg = 1e-3 (0.5 * reg * ||W||^2 on both weight
matrices, none on the biases), float64; at the sizes of ``common.SIZES``: the course's
own (helpers.course.course_net_setup(), N = 300 points, H = 100, 10000 iterations),
then N = 3000 and 30000 at H = 100, and H = 10 and 1000 at N = 300 (each from one seed,
with the iterations ``common.SIZES`` gives it).  Timed, in this one process:

  - the course's code (benchmarks/course_baseline.py), the reference of every ratio;
  - helpers.train.train, and again with NumPy's OpenBLAS held to one thread
    (threadpoolctl): on a busy machine a second BLAS thread waits for a core;
  - JAX: one jitted function, the step inside jax.lax.fori_loop (x64 enabled); the
    first call compiles, so the time shown is of later calls, compile time apart;
  - scikit-learn's MLPClassifier, solver='sgd', full batch, no momentum, alpha =
    reg * n (sklearn's penalty is alpha / (2 n) * ||W||^2); with its own
    initialisation, and again started from the course's numbers;
  - PyTorch eager, float64, the course's forward and backward written by hand
    with torch tensors, on 1 thread and on torch's default thread count.

Everything is timed in the state of a learner's notebook kernel (common.enter_kernel_state:
the allocator as a kernel has it; see common.py for why that matters).  At each size,
every implementation runs once untimed (JAX compiles then), then --repeats rounds run
each once, in turn, so that a busy spell of the machine hits all alike; the best time
of each is shown, with the minor page faults per iteration of that run, the loss and
training accuracy of the trained parameters (the course's loss formula, evaluated with
NumPy on each one's final weights, so that they read alike), and the ratio of the
course code's best time to this one's: > 1 means faster than the course's code.  A
peer started from the course's numbers trains the same network if, run for CHECK_ITERS
iterations, it ends at the course code's loss to SAME_NETWORK_RTOL: "same network"
says whether it did.  A peer that cannot be imported is
reported as skipped, with the reason.  At the course's size, the course's code is also
timed in a fresh interpreter (common.fresh_interpreter), beside its time here.

The last table gives, per size, helpers.train's time, the fastest peer (JAX,
scikit-learn or PyTorch) and how many times faster helpers.train is than it.

Nothing here asserts a time: the machine this runs on may be busy.  Run it with
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (as `make bench-peers` does), so that
OpenBLAS picks its kernel for this CPU itself.
"""
import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (puts the project on sys.path)
import course_baseline  # noqa: E402
from helpers import course  # noqa: E402

STEP, REG = course.STEP_SIZE, course.REG
# The same network: after CHECK_ITERS iterations from the course's numbers, the loss equals the
# course code's to SAME_NETWORK_RTOL. (Over thousands of iterations, rounding differences grow: the
# final losses of the timed runs differ by up to about 1e-3 relative, as between two BLAS libraries.)
CHECK_ITERS, SAME_NETWORK_RTOL = 5, 1e-9


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
# Each maker takes (X, y, p, iters) and returns (run, note): run() trains once from p for
# iters iterations and returns the final (W, b, W2, b2). A maker raises if its library is missing.

def make_course(X, y, p, iters):
    return (lambda: common.course_run(X, y, p, iters)), ""


def make_helpers(X, y, p, iters):
    return (lambda: common.helpers_run(X, y, p, iters)), ""


def make_helpers_one_thread(X, y, p, iters):
    """helpers.train with NumPy's OpenBLAS held to one thread, as OPENBLAS_NUM_THREADS=1 would."""
    from threadpoolctl import threadpool_limits

    def run():
        with threadpool_limits(1, user_api="blas"):
            return common.helpers_run(X, y, p, iters)
    return run, "threadpoolctl.threadpool_limits(1, user_api='blas') around it"


def make_jax(X, y, p, iters):
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
        return jax.lax.fori_loop(0, iters, step, params)

    start = tuple(jnp.asarray(p[k], dtype=jnp.float64) for k in ("W", "b", "W2", "b2"))

    def run():
        return tuple(np.asarray(a) for a in jax.block_until_ready(fit(start)))
    return run, f"jax {jax.__version__}, {jax.default_backend()}; the untimed first call compiles"


def _sklearn_model(n, hidden_size, max_iter, warm_start=False):
    from sklearn.neural_network import MLPClassifier
    return MLPClassifier(hidden_layer_sizes=(hidden_size,), activation="relu", solver="sgd",
                         learning_rate="constant", learning_rate_init=STEP, alpha=REG * n, batch_size=n,
                         momentum=0.0, nesterovs_momentum=False, max_iter=max_iter, tol=0.0,
                         n_iter_no_change=max_iter, shuffle=False, early_stopping=False,
                         random_state=0, warm_start=warm_start)


def _sklearn_params(m):
    return m.coefs_[0], m.intercepts_[0], m.coefs_[1], m.intercepts_[1]


def make_sklearn(X, y, p, iters):
    import sklearn
    from sklearn.exceptions import ConvergenceWarning

    def run():
        m = _sklearn_model(len(y), p["W"].shape[1], iters)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m.fit(X, y)
        return _sklearn_params(m)
    return run, f"scikit-learn {sklearn.__version__}; its own init (Glorot uniform, random_state=0)"


def make_sklearn_course_init(X, y, p, iters):
    """MLPClassifier started from the course's W, b, W2, b2: a 1-iteration fit builds the
    model, its weights are overwritten, and a warm-started fit (the one timed) trains."""
    import sklearn  # noqa: F401
    from sklearn.exceptions import ConvergenceWarning

    def run():
        m = _sklearn_model(len(y), p["W"].shape[1], 1, warm_start=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            m.fit(X, y)
            m.coefs_ = [p["W"].copy(), p["W2"].copy()]
            m.intercepts_ = [p["b"].ravel().copy(), p["b2"].ravel().copy()]
            m.set_params(max_iter=iters, n_iter_no_change=iters)
            m.fit(X, y)
        return _sklearn_params(m)
    return run, "the course's init; time includes a 1-iteration set-up fit"


def make_torch(threads):
    def maker(X, y, p, iters):
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
                    for _ in range(iters):  # the course's loop, in torch
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


COURSE, HELPERS = "course code (benchmarks/course_baseline.py)", "helpers.train"
HELPERS_1 = "helpers.train, OpenBLAS on 1 thread"
OWN_INIT = "scikit-learn MLPClassifier, sgd, full batch"  # not started from the course's numbers
PEERS = [
    (COURSE, make_course),
    (HELPERS, make_helpers),
    (HELPERS_1, make_helpers_one_thread),
    ("JAX, jit + lax.fori_loop (compile excluded)", make_jax),
    (OWN_INIT, make_sklearn),
    ("scikit-learn MLPClassifier, course's init", make_sklearn_course_init),
    ("PyTorch eager, hand-written backward, 1 thread", make_torch(1)),
    ("PyTorch eager, hand-written backward, default", make_torch(None)),
]


# --------------------------------------------------------------------------- environment report

def blas_report():
    """Every BLAS loaded in this process (threadpoolctl), with its kernel and threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl is not installed: see the line above for NumPy's BLAS"]
    lines = [f"{info.get('internal_api')} {info.get('version')}, kernel {info.get('architecture')}, "
             f"{info.get('num_threads')} threads ({Path(info.get('filepath', '')).name})"
             for info in threadpool_info() if info.get("user_api") == "blas"]
    return lines or ["threadpoolctl found no BLAS loaded"]


# --------------------------------------------------------------------------- one size

def time_size(size, iters, repeats, slow, fresh_repeats=0):
    """Every peer at one size: an untimed run each, then ``repeats`` interleaved rounds
    (common.interleaved, as `make bench`).

    fresh_repeats : also time the course's code that many times in a fresh interpreter
        (common.fresh_interpreter), one per round.
    Returns (peers, skipped, fresh): peers a list of dicts (name, note, times, faults, out
    or error), skipped a list of (name, reason), fresh a list of (seconds, faults).
    """
    X, y, p = common.task(*size)
    peers, skipped, fresh = [], [], []
    for name, maker in PEERS:
        try:
            run, note = maker(X, y, p, iters)
        except Exception as exc:  # ImportError, or a library that cannot start here
            skipped.append((name, first_line(exc)))
            continue
        peers.append({"name": name, "run": run, "note": note})

    def fresh_round(rnd):
        if rnd < fresh_repeats:
            fresh.append(common.fresh_interpreter(iters)["course"])

    stats = common.interleaved([peer["run"] for peer in peers], repeats, slow=slow, before_round=fresh_round)
    for peer, stat in zip(peers, stats):
        peer.update(stat)
        if stat["error"]:
            peer["error"] = first_line(stat["error"])
            continue
        peer["loss"] = course_loss(X, y, *peer["out"])
        peer["acc"] = course_accuracy(X, y, *peer["out"])
        peer["check"] = dict(PEERS)[peer["name"]](X, y, p, CHECK_ITERS)[0]()
        peer["check_loss"] = course_loss(X, y, *peer["check"])
    return peers, skipped, fresh


def print_size(size, iters, peers, skipped, fresh):
    """The table of one size; returns {name: timed runs' seconds} of the peers that ran."""
    (n, h), runs = size, {}
    print(f"\nN = {n} points, H = {h}: {iters} iterations; {common.load_now()}")
    print(f"  {'':47s} {'best':>9s} {'runs':>4s} {'faults/it':>9s} {'loss':>10s} {'acc':>5s} "
          f"{'vs course (rounds)':>22s}  same network")
    reference = next((p for p in peers if p["name"] == COURSE and not p.get("error")), None)
    for peer in peers:
        if peer.get("error"):
            print(f"  {peer['name']:47s} failed: {peer['error']}")
            continue
        k = int(np.argmin(peer["times"]))
        runs[peer["name"]] = peer["times"]
        if peer["name"] == OWN_INIT:
            same = "- (its own init)"
        elif reference is None:
            same = "?"
        else:
            rel = abs(peer["check_loss"] - reference["check_loss"]) / reference["check_loss"]
            weights = max(np.max(np.abs(np.ravel(a) - np.ravel(b))) for a, b in zip(peer["check"], reference["check"]))
            same = f"{'yes' if rel <= SAME_NETWORK_RTOL else 'NO'} ({rel:.0e}; weights {weights:.0e})"
        ratio = common.speedup_text(runs[COURSE], peer["times"]) if COURSE in runs else "?"
        print(f"  {peer['name']:47s} {peer['times'][k]:8.3f}s {len(peer['times']):4d} "
              f"{peer['faults'][k] / iters:9.1f} {peer['loss']:10.6f} {peer['acc']:5.2f} {ratio:>22s}  {same}"
              + (f"   [{peer['note']}]" if peer["note"] else ""))
    for name, reason in skipped:
        print(f"  {name:47s} skipped: {reason}")
    if fresh:
        seconds, faults = min(fresh)
        print(f"  {COURSE[:11] + ', in a fresh interpreter':47s} {seconds:8.3f}s {len(fresh):4d} "
              f"{faults / iters:9.1f}   (NumPy and helpers imported only: glibc's thresholds not yet raised)")
    return runs


# --------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=common.REPEATS,
                        help=f"timed rounds of each peer; the best is shown (default {common.REPEATS}, as make bench)")
    parser.add_argument("--slow", type=float, default=30.0,
                        help="a peer whose untimed run takes longer than this many seconds is not run again: "
                             "that run's time is shown")
    parser.add_argument("--course-size-only", action="store_true", help="only the course's size (N = 300, H = 100)")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, also into a file

    allocator = common.enter_kernel_state()  # before anything is timed: see common.py
    print("benchmarks/peers.py, in the state of a notebook kernel (common.enter_kernel_state):")
    for line in common.machine_report() + [allocator]:
        print("  " + line)
    print(f"task: spiral, 3 classes, step {STEP}, reg {REG}, float64, full batch; best of {args.repeats} "
          "interleaved rounds after an untimed one")

    sizes = {common.COURSE_SIZE: common.SIZES[common.COURSE_SIZE]} if args.course_size_only else common.SIZES
    summary = []
    for size, iters in sizes.items():
        peers, skipped, fresh = time_size(size, iters, args.repeats, args.slow,
                                          fresh_repeats=args.repeats if size == common.COURSE_SIZE else 0)
        summary.append((size, iters, print_size(size, iters, peers, skipped, fresh)))
        if size == common.COURSE_SIZE:
            print("  BLAS libraries loaded, threadpoolctl:")
            for line in blas_report():
                print("    " + line)

    print("\n  loss: the course's loss formula on each one's final weights; acc: training accuracy;\n"
          "  faults/it: minor page faults per iteration of the best run (the allocator handing memory back);\n"
          "  vs course: the course code's best time / this one's, from this run (> 1 is faster); in brackets\n"
          "  the lowest and highest ratio of the two runs in one round, the machine's noise as this run saw it;\n"
          f"  same network: started from the course's numbers, after {CHECK_ITERS} iterations its loss equals\n"
          f"  the course code's to {SAME_NETWORK_RTOL:g} relative (in brackets: that difference, and the largest\n"
          "  difference of a weight). Over thousands of iterations rounding differences grow, as between two\n"
          "  BLAS libraries: the final losses differ more.\n"
          "  scikit-learn minimises the same loss (log-loss + alpha/(2n)||W||^2 with alpha = reg*n, weights\n"
          "  only, as the course), with its own Glorot-uniform init unless started from the course's; it\n"
          "  also clips probabilities in its log-loss and does per-epoch bookkeeping (loss curve, checks).\n"
          "  JAX's XLA and PyTorch's default choose their own thread counts; NumPy uses OpenBLAS's threads.")

    nan = float("nan")
    print(f"\nSummary, best times from the tables above ({common.load_now()}):")
    print(f"  {'N':>6s} {'H':>5s} {'iters':>6s} {'course':>9s} {'helpers':>9s} {'helpers vs course (rounds)':>27s} "
          f"{'1 thread':>9s}  {'fastest peer':47s} {'its time':>9s} {'helpers vs it':>13s} {'1 thread vs it':>14s}")
    for (n, h), iters, runs in summary:
        best = {name: min(times) for name, times in runs.items()}
        others = {k: v for k, v in best.items() if k != COURSE and not k.startswith(HELPERS)}
        fastest = min(others, key=others.get) if others else None
        theirs, mine, mine_1 = others.get(fastest, nan), best.get(HELPERS, nan), best.get(HELPERS_1, nan)
        vs_course = common.speedup_text(runs[COURSE], runs[HELPERS]) if COURSE in runs and HELPERS in runs else "?"
        print(f"  {n:>6d} {h:>5d} {iters:>6d} {best.get(COURSE, nan):8.3f}s {mine:8.3f}s {vs_course:>27s} "
              f"{mine_1:8.3f}s  {fastest or '(none ran)':47s} {theirs:8.3f}s {theirs / mine:12.2f}x "
              f"{theirs / mine_1:13.2f}x")
    print("  helpers vs course: as make bench's scaling table prints it, from this run; helpers vs it: the\n"
          "  fastest peer's time / helpers.train's (> 1: helpers.train is faster); 1 thread: helpers.train\n"
          "  with NumPy's OpenBLAS on one thread (as with OPENBLAS_NUM_THREADS=1).")


if __name__ == "__main__":
    main()
