"""Benchmarks of the course series: `make bench`, or `.venv/bin/python benchmarks/bench.py [--scaling]`.

Everything is timed in this one process, in the state of a learner's notebook kernel
(common.enter_kernel_state: NumPy, Matplotlib's pyplot and helpers imported, one figure
drawn, then glibc's malloc thresholds fixed where no array is handed back to the system;
common.py explains why that matters), with repeated runs, interleaved, after one untimed run of each:

  (0) the allocator: the course's 2-layer loop and helpers.train in a fresh interpreter
      (child processes), with and without MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_,
      beside this process;
  (a) the course's own 2-layer loop (benchmarks/course_baseline.py), 10000 iterations;
  (b) helpers.train.train on the same task;
  (c) the linear classifier, 200 iterations, both;
  then the scaling table: time per iteration, page faults and peak memory at the sizes
  of common.SIZES (the ones `make bench-peers` times, in the same order and the same way;
  more with --scaling), and the speed-up at each size again in --processes other processes
  (the spread between processes, to compare `make bench-peers`' figures with);
  where a step's time goes at those sizes: the NumPy calls, the products, the rest;
  (d) executing every notebooks/*.ipynb with nbclient (the whole series);
  (e) the playground: a frame while playing, and a slider release while paused (the kernel's side: training
      and the update sent to the browser, which draws it).

Times are shown as the best run (median, worst); every ratio is of best times, as in
`make bench-peers`.  It also checks that helpers reproduces the course code's losses and
accuracies.  The last line is ``speedup vs course code: X.XXx (rounds A-Bx)``, the ratio of the
best times of (a) and (b), and the lowest and highest ratio of one round's two runs.

Nothing here asserts a time: the machine this runs on may be busy.
"""
import argparse
import importlib
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402  (puts the project on sys.path)
import course_baseline  # noqa: E402  (the course's code, the baseline)
from helpers import course  # noqa: E402
from helpers.models import accuracy  # noqa: E402
from helpers.train import train  # noqa: E402

ROOT = common.ROOT


# --------------------------------------------------------------------------- timing helpers

def summary(times):
    """'best (median, worst)' of a list of seconds, in the unit that reads best."""
    best, med, worst = min(times), statistics.median(times), max(times)
    if med < 1e-3:
        return f"{best * 1e6:9.1f} us  ({med * 1e6:.1f}, {worst * 1e6:.1f})"
    if med < 1.0:
        return f"{best * 1e3:9.1f} ms  ({med * 1e3:.1f}, {worst * 1e3:.1f})"
    return f"{best:9.3f} s   ({med:.3f}, {worst:.3f})"


def timed(fn):
    """Run ``fn()`` once; return (seconds, its result)."""
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


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


def per_iteration_faults(faults, times, iters):
    """The page faults per iteration of the best of the runs."""
    return faults[int(np.argmin(times))] / iters


def bench_allocator(repeats):
    """(0): the course's loop and helpers.train, 10000 iterations, in a fresh interpreter (with and
    without glibc's thresholds set by environment variables) and in this process, interleaved."""
    iters = course.NET_ITERS
    print(f"\n(0) The allocator: {iters} iterations at the course's size, best of {repeats} (median, worst);"
          " minor page faults per iteration of the best run:")
    X, y, p = course.course_net_setup()
    runs = {"fresh": [], "fresh_env": [], "here": []}
    here = [lambda: common.course_run(X, y, p, iters), lambda: common.helpers_run(X, y, p, iters)]
    for fn in here:
        fn()
    for _ in range(repeats):
        runs["fresh"].append(common.fresh_interpreter(iters))
        runs["fresh_env"].append(common.fresh_interpreter(iters, malloc_env=True))
        runs["here"].append({name: common.measure(fn)[:2] for name, fn in zip(("course", "helpers"), here)})
    env = " ".join(f"{k}={v}" for k, v in common.MALLOC_ENV.items())
    labels = {"fresh": "a fresh interpreter: NumPy and helpers imported",
              "fresh_env": f"a fresh interpreter with {env}",
              "here": "this process, as a notebook kernel"}
    best = {}
    for state, label in labels.items():
        print(f"  in {label}:")
        for name in ("course", "helpers"):
            times = [r[name][0] for r in runs[state]]
            faults = [r[name][1] for r in runs[state]]
            best[state, name] = min(times)
            extra = f"  {per_iteration_faults(faults, times, iters):6.1f} faults/it"
            if name == "helpers":
                extra += f"  {best[state, 'course'] / best[state, 'helpers']:.2f}x the course code"
            row(f"    {'course code' if name == 'course' else 'helpers.train'}", times, extra)
    print(f"  the course code runs {best['fresh', 'course'] / best['here', 'course']:.2f}x as fast in a kernel as in"
          " a fresh interpreter: there glibc hands its 240 kB arrays back to the system at every step and"
          " maps them again (page faults); helpers.train allocates once. See benchmarks/common.py.")


def bench_training(repeats):
    print("\nTraining loops: wall time per full run, best (median, worst); minor page faults per iteration")
    X, y, p_net = course.course_net_setup()
    iters = course.NET_ITERS
    course_stats, helpers_stats = common.interleaved(
        [lambda: course_net(X, y, p_net),
         lambda: train(p_net, X, y, step_size=course.STEP_SIZE, reg=course.REG,
                       num_iters=iters, record_every=course.NET_RECORD_EVERY)], repeats)
    (t_course, f_course, base), (t_helpers, f_helpers, ours) = (
        (st["times"], st["faults"], st["out"]) for st in (course_stats, helpers_stats))
    row(f"(a) course code, 2-layer, {iters} iterations", t_course,
        f"  {per_iteration_faults(f_course, t_course, iters):.1f} faults/it")
    row(f"(b) helpers.train, 2-layer, {iters} iterations", t_helpers,
        f"  {per_iteration_faults(f_helpers, t_helpers, iters):.1f} faults/it  "
        f"{common.speedup_text(t_course, t_helpers)}")

    # the opt-in single precision, for comparison (not part of the speed-up line)
    (stats32,) = common.interleaved([lambda: train(p_net, X, y, num_iters=iters,
                                                   record_every=course.NET_RECORD_EVERY, dtype=np.float32)],
                                    max(1, repeats // 2))
    t32, ours32 = stats32["times"], stats32["out"]
    worst32 = max(abs(loss - course.COURSE_NET_LOSSES[i]) for i, loss in ours32.loss_history)
    row("(b) helpers.train(..., dtype=np.float32), opt-in", t32,
        f"  {min(t_course) / min(t32):.2f}x  (losses off the course's "
        f"printout by up to {worst32:.1e}; accuracy {accuracy(ours32.params, X, y):.2f})")

    Xl, yl, p_lin = course.course_linear_setup()
    (t_course_lin, base_lin), (t_helpers_lin, ours_lin) = (
        (st["times"], st["out"]) for st in common.interleaved(
            [lambda: course_linear(Xl, yl, p_lin),
             lambda: train(p_lin, Xl, yl, step_size=course.STEP_SIZE, reg=course.REG,
                           num_iters=course.LINEAR_ITERS, record_every=course.LINEAR_RECORD_EVERY)], 4 * repeats))
    row(f"(c) course code, linear, {course.LINEAR_ITERS} iterations", t_course_lin)
    row(f"(c) helpers.train, linear, {course.LINEAR_ITERS} iterations", t_helpers_lin,
        f"  {common.speedup_text(t_course_lin, t_helpers_lin)}")

    print("\nAgreement with the course code:")
    compare("2-layer", base[0], ours, course_baseline.accuracy_two_layer(X, y, *base[1:]),
            accuracy(ours.params, X, y), exact_until=4000, published=course.COURSE_NET_LOSSES)
    compare("linear ", base_lin[0], ours_lin, course_baseline.accuracy_linear(Xl, yl, *base_lin[1:]),
            accuracy(ours_lin.params, Xl, yl), exact_until=course.LINEAR_ITERS,
            published=course.COURSE_LINEAR_LOSSES)
    return {"course": (t_course, f_course), "helpers": (t_helpers, f_helpers)}


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


def catch_up_by_frames(pg):
    """Ask for frames, as the front end does, until a retrain that is catching up is done; return how many."""
    frames = 0
    while pg.catching_up:
        pg.frame_now()
        frames += 1
    return frames


def bench_playground(frames, changes):
    """The playground's costs in the kernel (no browser): building it, a frame while playing (training, the
    class grid and the update), a slider released while paused (first picture, finished picture), at the
    defaults and the largest settings."""
    print("\nPlayground (kernel side: training and the update; the browser's part is measured by `make test-ui`):")
    from helpers.playground import Playground

    for label, settings in (("defaults", {}), ("largest: " + ", ".join(f"{k} {v}" for k, v in LARGEST.items()),
                                                LARGEST)):
        print(f"  at the {label}")
        t_build, pg = timed(lambda: Playground(**settings))
        first = pg.session.iteration
        t_wait, _ = timed(pg.wait)
        row(f"(e0) Playground(): first picture (iteration {first})", [t_build])
        row(f"       then pg.wait() to iteration {pg.session.iteration}", [t_wait])

        # (e1) a frame while playing: one {"type": "frame"} message, answered by one update
        pg.reset()
        pg.play()
        times, trained = [], []
        for _ in range(frames):
            times.append(timed(pg.frame_now)[0])
            trained.append(pg.session.last_step)
        pg.pause()
        row(f"(e1) a frame while playing ({statistics.median(trained):.0f} of {pg.settings['speed']} it./frame)",
            times)
        update = len(pg.grid) + len(json.dumps(pg.frame))
        print(f"       update sent: {update / 1000:.1f} kB (class grid {len(pg.grid) / 1000:.0f} kB, frame as JSON)")

        # (e2) a slider released while paused: the first picture at once, then the catch-up frame by frame
        values = [0.316, 3.16, 1.0, 0.1, 10.0, 0.0316, 1.0, 0.316][:changes if not settings else 1]
        firsts, finished, counts = [], [], []
        for v in values:
            start = time.perf_counter()
            pg.controls["step_size"].value = v
            firsts.append(time.perf_counter() - start)
            counts.append(catch_up_by_frames(pg))
            finished.append(time.perf_counter() - start)
        iters = pg.settings["num_iters"]
        row("(e2) paused: step_size change -> first picture", firsts)
        row(f"       -> finished picture ({iters} it., {statistics.median(counts):.0f} frames)", finished)
        X_train, y_train = pg.session.data.train
        start_params = pg.session.initial_params()
        train_only = [timed(lambda: train(start_params, X_train, y_train, num_iters=iters))[0]
                      for _ in range(5 if not settings else 1)]
        row("       of which helpers.train alone would take", train_only)


# --------------------------------------------------------------------------- scaling

FULL_SCALING = {(300000, 100): 5, (30000, 1000): 5}  # --scaling adds these (N, H): iterations


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


def bench_scaling(full, repeats, course_size, processes):
    """Time per iteration and peak memory at common.SIZES, in their order; ``course_size`` holds the
    times and faults of (a) and (b), which are that size's row.  Then the speed-up at each size as
    ``processes`` other processes measured it (common.speedups_in_another_kernel)."""
    sizes = dict(common.SIZES, **(FULL_SCALING if full else {}))
    print(f"\nScaling ({'full' if full else 'the sizes of make bench-peers; --scaling adds more'}): wall time per"
          f" iteration, best of {repeats} interleaved rounds after an untimed one ({common.load_now()});")
    print("speed-up: the ratio of the best times, and in brackets the lowest and highest ratio within one round;"
          " minor page\nfaults per iteration; peak memory NumPy held during a 2-iteration run (tracemalloc),"
          " inputs excluded:")
    print(f"  {'N points':>9} {'H':>5} {'iters':>6} {'helpers/iter':>13} {'course/iter':>12} {'speed-up (rounds)':>22}"
          f" {'faults/it h, c':>15} {'helpers peak':>13} {'course peak':>12} {'helpers B/(N(H+1))':>19}")
    for (n, h), iters in sizes.items():
        X, y, p = common.task(n, h)
        if (n, h) == common.COURSE_SIZE:
            (t_course, f_course), (t_helpers, f_helpers) = course_size["course"], course_size["helpers"]
        else:
            (t_course, f_course), (t_helpers, f_helpers) = ((st["times"], st["faults"]) for st in common.interleaved(
                [lambda: common.course_run(X, y, p, iters), lambda: common.helpers_run(X, y, p, iters)], repeats))
        peak = peak_memory(lambda: common.helpers_run(X, y, p, 2))
        peak_course = peak_memory(lambda: common.course_run(X, y, p, 2))
        ours, theirs = min(t_helpers) / iters, min(t_course) / iters
        faults = (f"{per_iteration_faults(f_helpers, t_helpers, iters):.1f}, "
                  f"{per_iteration_faults(f_course, t_course, iters):.1f}")
        print(f"  {len(X):>9} {h:>5} {iters:>6} {ours * 1e6:>10.1f} us {theirs * 1e6:>9.1f} us "
              f"{common.speedup_text(t_course, t_helpers):>22} {faults:>15} {peak / 2**20:>9.1f} MiB "
              f"{peak_course / 2**20:>8.1f} MiB {peak / (len(X) * (h + 1)):>19.1f}")
    print("  (a constant last column: memory grows in proportion to N x H, the size of the hidden layer;"
          " no N x N arrays)")
    if processes:
        print(f"\nThe same speed-ups in {processes} other processes, each timing every size as above"
              f" ({common.load_now()}): the spread between processes, to compare `make bench-peers`' ratios with:")
        others = [common.speedups_in_another_kernel(repeats) for _ in range(processes)]
        for (n, h) in common.SIZES:
            ratios = [other[n, h] for other in others]
            print(f"  N = {n:>6}, H = {h:>5}: {min(ratios):.2f}x to {max(ratios):.2f}x "
                  f"({', '.join(f'{r:.2f}' for r in ratios)})")
        print(f"  ({common.load_now()})")


# --------------------------------------------------------------------------- where the time goes

def numpy_calls_per_step():
    """The NumPy calls one step of helpers.train's network makes, counted in its source: each call of an
    ``np.`` function and each in-place operator (``a *= b`` is one ufunc call), in the functions a step runs."""
    import ast
    import inspect
    import textwrap

    t = importlib.import_module("helpers.train")  # the module: helpers.train is also the function's name

    def from_np(func):
        while isinstance(func, ast.Attribute):
            func = func.value
        return isinstance(func, ast.Name) and func.id == "np"

    count = 0
    for fn in (t.two_layer_loss, t._softmax_data_loss, t._dscores, t.two_layer_step, t.update):
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(fn)))):
            count += isinstance(node, ast.AugAssign) or (isinstance(node, ast.Call) and from_np(node.func))
    return count


class _NoProducts:
    """NumPy, but for ``matmul``, which leaves its output as it is: helpers.train's step without its products."""

    def __getattr__(self, name):
        return getattr(np, name)

    @staticmethod
    def matmul(a, b, out):
        return out


def step_parts(n, h, steps):
    """helpers.train's network at N = n, H = h: seconds per step, of the whole step and of the step
    without its five matrix products (NumPy's matmul made a no-op in helpers.train for the run; the
    arrays keep the values of a real step before, so nothing else changes its work), and the five
    products' floating-point operations, from the shapes of the step's arrays."""
    t = importlib.import_module("helpers.train")

    X, y, p = common.task(n, h)
    ws = t.Workspace(p, X, y, p["W2"].shape[1], step_size=course.STEP_SIZE, reg=course.REG, dtype=np.float64)
    (D1, N), (H1, _), K = ws.X1T.shape, ws.hidden_ones.shape, ws.scores.shape[0]
    # forward [W; b].T [X, 1].T and [W2; b2].T [hidden, 1].T, backward dW2b, dhidden and dWb: 2 m k n each
    flops = 2 * N * (D1 * (H1 - 1) + K * H1 + H1 * K + (H1 - 1) * K + D1 * (H1 - 1))

    def run():
        for _ in range(steps):
            t.two_layer_loss(ws)
            t.two_layer_step(ws)

    whole = min(timed(run)[0] for _ in range(3)) / steps
    real_np, t.np = t.np, _NoProducts()
    try:
        rest = min(timed(run)[0] for _ in range(3)) / steps
    finally:
        t.np = real_np
    return whole, rest, flops


def bench_limits():
    """Where a step of helpers.train's network spends its time, at the sizes of common.SIZES: the five
    products (their floating-point operations and rate), the rest (elementwise passes over the (H, n)
    hidden layer and reductions: memory traffic), and the cost of the NumPy calls themselves."""
    calls = numpy_calls_per_step()
    fixed, _, _ = step_parts(3, 1, 20000)
    print(f"\nWhere a step of helpers.train's network goes ({common.load_now()}): {calls} NumPy calls a step"
          f" (counted in helpers/train.py); a step at N = 3, H = 1, where the arrays are a few numbers, takes"
          f" {fixed * 1e6:.1f} us: the calls' own cost. Products: the five matrix products, 2 m k n floating-point"
          " operations each (about 30 N H in all); the rest: the step with NumPy's matmul made a no-op (its"
          " passes over the (H, n) hidden layer, 8 bytes an entry, and the reductions), best of 3 runs:")
    print(f"  {'N':>6} {'H':>5} {'step':>10} {'products':>10} {'MFLOP':>7} {'GFLOP/s':>8} {'the rest':>10}"
          f" {'hidden layer':>13} {'calls / step':>13}")
    for (n, h), iters in common.SIZES.items():
        whole, rest, flops = step_parts(n, h, max(3, iters // 5))
        products = max(whole - rest, 1e-12)
        print(f"  {n:>6} {h:>5} {whole * 1e6:>7.1f} us {products * 1e6:>7.1f} us {flops / 1e6:>7.2f} "
              f"{flops / products / 1e9:>8.1f} {rest * 1e6:>7.1f} us {8 * h * n / 1e6:>9.2f} MB "
              f"{fixed / whole:>12.0%}")
    print("  calls / step: the share of the step that the calls' own cost would take (a step at N = 3, H = 1).")


# --------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=common.REPEATS,
                        help=f"timed rounds of each training benchmark (default {common.REPEATS}, as make bench-peers)")
    parser.add_argument("--processes", type=int, default=3,
                        help="other processes that time the speed-up at every size again, for the spread between"
                             " processes (default 3; 0: none)")
    parser.add_argument("--notebook-repeats", type=int, default=1, help="runs of the notebook series (default 1)")
    parser.add_argument("--scaling", action="store_true",
                        help="the full scaling table (N up to 300000, H up to 1000 at N = 30000; about 1 min more)")
    parser.add_argument("--skip-notebooks", action="store_true", help="do not execute the notebooks")
    parser.add_argument("--only-loops", action="store_true",
                        help="only the allocator, the training loops and the scaling table")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # each line as it comes, also into a file

    start = time.perf_counter()
    allocator = common.enter_kernel_state()  # before anything is timed: see common.py
    print("benchmarks/bench.py, in the state of a notebook kernel (common.enter_kernel_state):")
    for line in common.machine_report() + [allocator]:
        print("  " + line)
    bench_allocator(max(2, args.repeats // 2))
    course_size = bench_training(args.repeats)
    bench_scaling(args.scaling, args.repeats, course_size, args.processes)
    bench_limits()
    if args.skip_notebooks or args.only_loops:
        print("\nNotebook series: skipped")
    else:
        bench_notebooks(args.notebook_repeats)
    if not args.only_loops:
        bench_playground(frames=30, changes=8)
    print(f"\ntotal benchmark time {time.perf_counter() - start:.0f} s; {common.load_now()}")
    (t_course, _), (t_helpers, _) = course_size["course"], course_size["helpers"]
    print(f"speedup vs course code: {common.speedup_text(t_course, t_helpers)}")


if __name__ == "__main__":
    main()
