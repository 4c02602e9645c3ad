"""Benchmarks of the course series: `make bench`, or `.venv/bin/python benchmarks/bench.py [--scaling]`.

Everything is timed in this one process, with repeated runs (median and min-max):

  (a) the course's own 2-layer loop (benchmarks/course_baseline.py), 10000 iterations;
  (b) helpers.train.train on the same task;
  (c) the linear classifier, 200 iterations, both;
  (d) executing every notebooks/*.ipynb with nbclient (the whole series);
  (e) the playground: a frame while playing, and a slider release while paused (Agg).

It also checks that helpers reproduces the course code's losses and accuracies,
and measures how time per iteration and peak memory scale with the number of
points and the hidden size (a short version by default, the full one with
--scaling).  The last line is ``speedup vs course code: X.XXx``, the ratio of the
median times of (a) and (b).

Nothing here asserts a time: the machine this runs on may be busy.
"""
import argparse
import itertools
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import course_baseline  # noqa: E402  (the course's code, the baseline)
from helpers import course  # noqa: E402
from helpers.data import make_spiral  # noqa: E402
from helpers.models import accuracy, init_two_layer  # noqa: E402
from helpers.train import train  # noqa: E402


# --------------------------------------------------------------------------- timing helpers

def summary(times):
    """'median (min-max)' of a list of seconds, in the unit that reads best."""
    med, lo, hi = statistics.median(times), min(times), max(times)
    if med < 1e-3:
        return f"{med * 1e6:9.1f} us  ({lo * 1e6:.1f}-{hi * 1e6:.1f})"
    if med < 1.0:
        return f"{med * 1e3:9.1f} ms  ({lo * 1e3:.1f}-{hi * 1e3:.1f})"
    return f"{med:9.3f} s   ({lo:.3f}-{hi:.3f})"


def timed(fn):
    """Run ``fn()`` once; return (seconds, its result)."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def interleaved(fns, repeats):
    """Time each of ``fns`` ``repeats`` times, alternating between them so that a busy
    spell of the machine hits all of them alike.

    Returns (wall-time lists, CPU-time lists, last results), one entry per function.
    """
    walls, cpus, results = [[] for _ in fns], [[] for _ in fns], [None] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            cpu = time.process_time()
            t, results[k] = timed(fn)
            walls[k].append(t)
            cpus[k].append(time.process_time() - cpu)
    return walls, cpus, results


def first_line(exc):
    """The type and first line of an exception's message, for a one-line report."""
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0][:120] if lines else ''}"


def row(label, times, extra=""):
    print(f"  {label:52s} {summary(times)}  n={len(times)}{extra}")


# --------------------------------------------------------------------------- (a)-(c) training loops

def course_net(X, y, p, num_iters=course.NET_ITERS):
    return course_baseline.train_two_layer(X, y, p["W"], p["b"], p["W2"], p["b2"], num_iters=num_iters,
                                           record_every=course.NET_RECORD_EVERY)


def course_linear(X, y, p):
    return course_baseline.train_linear(X, y, p["W"], p["b"], num_iters=course.LINEAR_ITERS,
                                        record_every=course.LINEAR_RECORD_EVERY)


def compare(name, base_losses, ours, base_acc, our_acc, exact_until, published):
    """Print how far the helpers losses are from the course code's and from the course's
    printout (``published``, iteration -> loss), and both accuracies."""
    base, mine = dict(base_losses), dict(ours.loss_history)

    def agreement(reference):
        diffs = {i: abs(mine[i] - reference[i]) for i in reference}
        early = [i for i in reference if i <= exact_until]
        late = [diffs[i] for i in reference if i > exact_until]
        same6 = all(f"{mine[i]:f}" == f"{reference[i]:f}" for i in early)
        return (f"iterations 0-{max(early)} {'identical' if same6 else 'NOT identical'} to 6 decimals "
                f"(max diff {max(diffs[i] for i in early):.1e})"
                + (f", later max diff {max(late):.1e}" if late else ""))

    print(f"  {name}: vs the course code run here: {agreement(base)}")
    print(f"  {'':7s}  vs the course's printout:     {agreement(published)}")
    print(f"  {'':7s}  training accuracy {our_acc:.2f} (course code {base_acc:.2f})")


def bench_training(repeats):
    print("\nTraining loops: wall time per full run, median (min-max); [CPU time, median]")
    X, y, p_net = course.course_net_setup()
    (t_course, t_helpers), (c_course, c_helpers), (base, ours) = interleaved(
        [lambda: course_net(X, y, p_net),
         lambda: train(p_net, X, y, step_size=course.STEP_SIZE, reg=course.REG,
                       num_iters=course.NET_ITERS, record_every=course.NET_RECORD_EVERY)], repeats)
    cpu = lambda times: f"  [{statistics.median(times):.3f} s]"  # noqa: E731
    row("(a) course code, 2-layer, 10000 iterations", t_course, cpu(c_course))
    row("(b) helpers.train, 2-layer, 10000 iterations", t_helpers,
        cpu(c_helpers) + f"  {statistics.median(t_course) / statistics.median(t_helpers):.2f}x")

    # the opt-in single precision, for comparison (not part of the speed-up line)
    (t32,), _, (ours32,) = interleaved([lambda: train(p_net, X, y, num_iters=course.NET_ITERS,
                                                   record_every=course.NET_RECORD_EVERY, dtype=np.float32)],
                                    max(1, repeats // 2))
    worst32 = max(abs(loss - course.COURSE_NET_LOSSES[i]) for i, loss in ours32.loss_history)
    row("(b) helpers.train(..., dtype=np.float32), opt-in", t32,
        f"  {statistics.median(t_course) / statistics.median(t32):.2f}x  (losses off the course's "
        f"printout by up to {worst32:.1e}; accuracy {accuracy(ours32.params, X, y):.2f})")

    Xl, yl, p_lin = course.course_linear_setup()
    (t_course_lin, t_helpers_lin), _, (base_lin, ours_lin) = interleaved(
        [lambda: course_linear(Xl, yl, p_lin),
         lambda: train(p_lin, Xl, yl, step_size=course.STEP_SIZE, reg=course.REG,
                       num_iters=course.LINEAR_ITERS, record_every=course.LINEAR_RECORD_EVERY)], 4 * repeats)
    row("(c) course code, linear, 200 iterations", t_course_lin)
    row("(c) helpers.train, linear, 200 iterations", t_helpers_lin,
        f"  {statistics.median(t_course_lin) / statistics.median(t_helpers_lin):.2f}x")

    print("\nAgreement with the course code:")
    compare("2-layer", base[0], ours, course_baseline.accuracy_two_layer(X, y, *base[1:]),
            accuracy(ours.params, X, y), exact_until=4000, published=course.COURSE_NET_LOSSES)
    compare("linear ", base_lin[0], ours_lin, course_baseline.accuracy_linear(Xl, yl, *base_lin[1:]),
            accuracy(ours_lin.params, Xl, yl), exact_until=course.LINEAR_ITERS,
            published=course.COURSE_LINEAR_LOSSES)
    return t_course, t_helpers


# --------------------------------------------------------------------------- (d) notebooks

def bench_notebooks(repeats):
    print("\nNotebook series (nbclient, each notebook in a fresh kernel, cwd notebooks/):")
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("  (d) unavailable: there are no notebooks/*.ipynb yet")
        return
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError as exc:
        print(f"  (d) unavailable: nbclient/nbformat cannot be imported ({exc})")
        return
    per_notebook = {p.name: [] for p in paths}
    totals = []
    for _ in range(repeats):
        total = 0.0
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=900, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            try:  # (the kernel's stderr, start-up chatter, is dropped; cell errors still raise)
                t, _ = timed(lambda: client.execute(stderr=subprocess.DEVNULL))
            except Exception as exc:  # a notebook being written right now may not run yet
                print(f"  {path.name}: failed to execute ({first_line(exc)})")
                t = float("nan")
            per_notebook[path.name].append(t)
            total += t
        totals.append(total)
    for name, times in per_notebook.items():
        if all(t == t for t in times):
            row(f"    {name}", times)
    if all(t == t for t in totals):
        row(f"(d) whole series, {len(paths)} notebooks", totals)
    else:
        print("  (d) whole series: not timed, a notebook failed (see above)")


# --------------------------------------------------------------------------- (e) the playground

LARGEST = {"num_iters": 20000, "hidden_size": 200, "classes": 6, "points_per_class": 200, "speed": 200}


def catch_up_by_ticks(pg):
    """Tick the Play clocks, as the front end does, until a retrain that is catching up is done; return the ticks."""
    pg.clock_time = itertools.count(0.0, 1.0).__next__  # every tick makes a frame
    ticks = 0
    while pg.catching_up:
        pg.clocks[ticks % 2].value += 1
        ticks += 1
    return ticks


def bench_playground(frames, changes):
    """The playground's costs in the kernel (Agg, no browser): building it, a frame while playing,
    a slider released while paused (first picture, finished picture), at the defaults and the largest settings."""
    print("\nPlayground (kernel side, Agg; what the browser adds is measured by `make test-ui`):")
    import matplotlib
    matplotlib.use("Agg")
    from helpers.playground import Playground

    for label, settings in (("defaults", {}), ("largest: " + ", ".join(f"{k} {v}" for k, v in LARGEST.items()),
                                                LARGEST)):
        print(f"  at the {label}")
        t_build, pg = timed(lambda: Playground(**settings))
        first = pg.session.iteration
        t_wait, _ = timed(pg.wait)
        row(f"(e0) Playground(): first picture (iteration {first})", [t_build])
        row(f"       then pg.wait() to iteration {pg.session.iteration}", [t_wait])

        # (e1) a frame while playing: one tick of the Play clock
        pg.reset()
        pg.play()
        times, trained = [], []
        for _ in range(frames):
            times.append(timed(pg.frame)[0])
            trained.append(pg.session.last_step)
        pg.pause()
        row(f"(e1) a frame while playing ({statistics.median(trained):.0f} of {pg.settings['speed']} it./frame)",
            times)
        print(f"       figure background redrawn {pg.figure.full_draws} times")

        # (e2) a slider released while paused: the first picture at once, then the catch-up frame by frame
        slider = pg.controls["step_size"]
        values = [0.316, 3.16, 1.0, 0.1, 10.0, 0.0316, 1.0, 0.316][:changes if not settings else 1]
        firsts, finished, ticks = [], [], []
        for v in values:
            start = time.perf_counter()
            slider.value = v
            firsts.append(time.perf_counter() - start)
            ticks.append(catch_up_by_ticks(pg))
            finished.append(time.perf_counter() - start)
        iters = pg.settings["num_iters"]
        row("(e2) paused: step_size change -> first picture", firsts)
        row(f"       -> finished picture ({iters} it., {statistics.median(ticks):.0f} frames)", finished)
        X_train, y_train = pg.session.data.train
        start_params = pg.session.initial_params()
        train_only = [timed(lambda: train(start_params, X_train, y_train, num_iters=iters))[0]
                      for _ in range(5 if not settings else 1)]
        row("       of which helpers.train alone would take", train_only)


# --------------------------------------------------------------------------- scaling

def spiral_problem(n_points, hidden_size, seed=0):
    rng = np.random.RandomState(seed)
    X, y = make_spiral(max(1, n_points // 3), 3, rng=rng)
    return X, y, init_two_layer(2, hidden_size, 3, rng=rng)


def per_iteration(fn, num_iters, repeats):
    return [timed(lambda: fn(num_iters))[0] / num_iters for _ in range(repeats)]


def peak_memory(fn):
    """Peak bytes NumPy allocated (tracemalloc sees NumPy's allocations) while ``fn()`` ran."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def bench_scaling(full):
    work = 1e8 if full else 3e7  # iterations x N x H of helpers training per row of the table
    cases = [(300, 100), (3000, 100), (30000, 100)] + ([(300000, 100)] if full else [])
    cases += [(300, 10), (300, 1000)] + ([(30000, 1000)] if full else [])
    print(f"\nScaling ({'full' if full else 'short; --scaling for the full table'}): wall time per iteration, "
          "median of 3 runs (the course code runs a fifth as many iterations);")
    print("peak memory NumPy held during a 2-iteration run (tracemalloc), inputs excluded:")
    print(f"  {'N points':>9} {'H':>5} {'iters':>6} {'helpers/iter':>13} {'course/iter':>12} {'speedup':>8}"
          f" {'helpers peak':>13} {'course peak':>12} {'helpers B/(N(H+1))':>19}")
    for n, h in cases:
        X, y, p = spiral_problem(n, h)
        iters = int(min(2000, max(3, work / (len(X) * h))))
        ours = per_iteration(lambda k: train(p, X, y, num_iters=k, record_every=10**9), iters, 3)
        theirs = per_iteration(lambda k: course_net(X, y, p, num_iters=k), max(2, iters // 5), 3)
        peak = peak_memory(lambda: train(p, X, y, num_iters=2, record_every=10**9))
        peak_course = peak_memory(lambda: course_net(X, y, p, num_iters=2))
        med = statistics.median(ours)
        med_course = statistics.median(theirs)
        print(f"  {len(X):>9} {h:>5} {iters:>6} {med * 1e6:>10.1f} us {med_course * 1e6:>9.1f} us "
              f"{med_course / med:>7.2f}x {peak / 2**20:>9.1f} MiB {peak_course / 2**20:>8.1f} MiB "
              f"{peak / (len(X) * (h + 1)):>19.1f}")
    print("  (a constant last column: memory grows in proportion to N x H, the size of the hidden layer;"
          " no N x N arrays)")


# --------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each training benchmark (default 5)")
    parser.add_argument("--notebook-repeats", type=int, default=1, help="runs of the notebook series (default 1)")
    parser.add_argument("--scaling", action="store_true",
                        help="the full scaling table (N up to 300000, H up to 1000 at N = 30000; about 1 min more)")
    parser.add_argument("--skip-notebooks", action="store_true", help="do not execute the notebooks")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    print(f"benchmarks/bench.py: Python {platform.python_version()}, NumPy {np.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    t_course, t_helpers = bench_training(args.repeats)
    if args.skip_notebooks:
        print("\nNotebook series: skipped (--skip-notebooks)")
    else:
        bench_notebooks(args.notebook_repeats)
    bench_playground(frames=30, changes=8)
    bench_scaling(args.scaling)
    print(f"\ntotal benchmark time {time.perf_counter() - start:.0f} s; load average now {os.getloadavg()[0]:.2f}")
    print(f"speedup vs course code: {statistics.median(t_course) / statistics.median(t_helpers):.2f}x")


if __name__ == "__main__":
    main()
