"""What `make bench` and `make bench-peers` share: the state they time in, the sizes they time,
and what they say about the machine.

The state: a learner's notebook kernel.  The course's loop allocates fresh arrays at
every step (the hidden layer alone is 240 kB at the course's size) and frees them at
the end of the step.  What that costs depends on glibc's malloc, not on the code:

- a block of at least ``M_MMAP_THRESHOLD`` bytes gets its own ``mmap`` and goes back to
  the operating system when freed; free memory at the top of the heap beyond
  ``M_TRIM_THRESHOLD`` bytes is handed back too (the heap is trimmed).  Memory handed
  back is mapped again at the next allocation, one minor page fault per 4 kB page
  touched: about 70 page faults per step of the course's loop in a fresh interpreter.
- The thresholds start at 128 kB each and are dynamic: freeing an mmapped block larger
  than the mmap threshold raises that threshold to the block's size, and the trim
  threshold to twice that.  From then on, blocks up to that size come from the heap,
  stay there when freed, and are reused without page faults.

So the same code runs at two speeds depending on the largest block the process has
freed so far.  The two thresholds, read off with gdb (glibc's ``mp_``), in KiB:

  fresh interpreter                                      128 / 128
  after ``import numpy``                                 212 / 424   (the loop's 240 kB arrays are mmapped)
  after ``import matplotlib.pyplot`` too                 408 / 816   (reused, but the heap is trimmed)
  a Jupyter kernel (ipykernel), at start                 656 / 1312
  ... after notebook 4's first cell                      940 / 1880
  ... after its first figure (a 640 x 480 RGBA image)   1204 / 2408
  after ``import numpy, torch`` / ``import numpy, jax``  940 / 1880, 628 / 1256

A learner runs the course's code in a kernel, where its 240 kB arrays are reused: that
is the state every implementation is timed in here (``enter_kernel_state``).  It does
what a kernel does, the imports of a notebook and one figure drawn and encoded as
``helpers.plotting.show`` does, which leaves the thresholds where a kernel has them
after its first figure.  At the larger sizes of the scaling table (2.4 MB and 24 MB
arrays) what happens next depends on the process's history, not only on the
thresholds: whether freed blocks end up at the top of the heap, to be trimmed, depends
on what else is allocated there.  Measured: 760 page faults per step of the course's
loop at N = 3000 in `make bench`'s process, none in `make bench-peers`' (whose
libraries hold more of the heap).  So ``enter_kernel_state`` then fixes both thresholds
with ``mallopt``, at ``KERNEL_THRESHOLDS``: the mmap threshold at 32 MiB, the highest
that glibc's dynamic threshold reaches, and the trim threshold at 1 GiB, so that no
array of these sizes is handed back.  The allocator then takes no part in any
comparison, in either benchmark, at any size; at the course's size this is the state
a kernel is in anyway (no page faults, measured above).

The fresh interpreter is timed too, in a child process (``fresh_interpreter``), so
that the difference shows; setting ``MALLOC_MMAP_THRESHOLD_`` and
``MALLOC_TRIM_THRESHOLD_`` to the same values in that child's environment removes it,
which confirms the mechanism.  ``minor_faults`` counts the page faults of each run,
the observable side of the allocator's state.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "benchmarks", ROOT / "tools"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import course_baseline  # noqa: E402  (the course's code, the baseline)
from helpers import course  # noqa: E402
from helpers.data import make_spiral  # noqa: E402
from helpers.models import init_two_layer  # noqa: E402
from helpers.train import train  # noqa: E402

try:
    import resource
except ImportError:  # not on Windows: page faults are then not counted
    resource = None

# (N points, H hidden units): iterations per run, in the order both benchmarks time them, the
# course's task first; about a second of helpers.train per run at the other sizes.
COURSE_SIZE = (len(course.course_data()[2]), course.HIDDEN_SIZE)
SIZES = {COURSE_SIZE: course.NET_ITERS, (3000, 100): 1000, (30000, 100): 30, (300, 10): 10000, (300, 1000): 300}

# glibc's mmap and trim thresholds in the kernel's state (see above), in bytes; the same as environment variables.
KERNEL_THRESHOLDS = {"mmap": 32 << 20, "trim": 1 << 30}
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(KERNEL_THRESHOLDS["mmap"]),
              "MALLOC_TRIM_THRESHOLD_": str(KERNEL_THRESHOLDS["trim"])}


# --------------------------------------------------------------------------- the tasks

def task(n_points, hidden_size):
    """``X, y, params`` for one size: the course's own set-up at the course's size, else a
    spiral of ``n_points`` (3 classes) and a network of ``hidden_size`` units, seed 0."""
    if (n_points, hidden_size) == COURSE_SIZE:
        return course.course_net_setup()
    rng = np.random.RandomState(0)
    X, y = make_spiral(max(1, n_points // 3), 3, rng=rng)
    return X, y, init_two_layer(2, hidden_size, 3, rng=rng)


def course_run(X, y, params, num_iters):
    """The course's loop (benchmarks/course_baseline.py); returns its final W, b, W2, b2."""
    return course_baseline.train_two_layer(X, y, params["W"], params["b"], params["W2"], params["b2"],
                                           step_size=course.STEP_SIZE, reg=course.REG, num_iters=num_iters,
                                           record_every=course.NET_RECORD_EVERY)[1:]


def helpers_run(X, y, params, num_iters):
    """helpers.train.train on the same task; returns its final W, b, W2, b2."""
    result = train(params, X, y, step_size=course.STEP_SIZE, reg=course.REG, num_iters=num_iters,
                   record_every=course.NET_RECORD_EVERY)
    return tuple(result.params[k] for k in ("W", "b", "W2", "b2"))


# --------------------------------------------------------------------------- the allocator's state

def minor_faults():
    """Minor page faults of this process so far (0 where the platform does not count them)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def measure(fn):
    """Run ``fn()`` once: ``(seconds, minor page faults, its result)``."""
    faults = minor_faults()
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    return seconds, minor_faults() - faults, out


# Timed rounds at every size, in both benchmarks (their --repeats); the best of them is shown.  A few
# runs in a row can take twice as long as the others in the same process, so the rounds' spread of
# ratios is printed beside each best.
REPEATS = 5


def interleaved(fns, repeats=REPEATS, slow=float("inf"), before_round=None):
    """Run each of ``fns`` once untimed, then ``repeats`` rounds that run each once, in turn, so that a
    busy spell of the machine hits all of them alike.  The untimed run does the first calls' work
    (imports, compiling, the heap growing to this size).

    slow : a function whose untimed run takes longer than this many seconds is not run again, and
        that run is its only time.
    before_round : called with the round's number (0, 1, ...) before each timed round.
    Returns one dict per function: ``times`` and ``faults`` (minor page faults), one entry per
    timed run; ``out``, its last result; ``error``, the exception that stopped it, or None.
    """
    stats = [{"times": [], "faults": [], "out": None, "error": None, "untimed": 0.0} for _ in fns]
    for rnd in range(-1, repeats):
        if rnd >= 0 and before_round:
            before_round(rnd)
        for fn, stat in zip(fns, stats):
            if stat["error"] or (rnd >= 0 and stat["untimed"] > slow):
                continue
            try:
                seconds, faults, stat["out"] = measure(fn)
            except Exception as exc:  # a peer that fails is reported, the others go on
                stat["error"] = exc
                continue
            if rnd < 0:
                stat["untimed"] = seconds
            if rnd >= 0 or seconds > slow:
                stat["times"].append(seconds)
                stat["faults"].append(faults)
    return stats


def speedup(reference_times, times):
    """How many times faster than the reference: the ratio of the best times, and the lowest and
    highest ratio of one round's two runs (the machine's noise, as this run saw it).

    Returns (best ratio, lowest round's ratio, highest round's ratio)."""
    rounds = [r / t for r, t in zip(reference_times, times)]
    return min(reference_times) / min(times), min(rounds, default=float("nan")), max(rounds, default=float("nan"))


def speedup_text(reference_times, times):
    """``speedup`` as text: '3.10x (rounds 2.95-3.20x)'."""
    best, low, high = speedup(reference_times, times)
    return f"{best:.2f}x (rounds {low:.2f}-{high:.2f}x)"


def enter_kernel_state():
    """Bring this process's allocator to where a learner's notebook kernel has it; call it before
    anything is timed.  Returns a line that says what was done.

    Imports what a notebook's first cell imports (NumPy, Matplotlib's pyplot through
    ``helpers.plotting``) and draws and encodes one figure as ``helpers.plotting.show``
    does, then closes it: freeing its image raises glibc's thresholds as a kernel's
    first figure does.  Then fixes them at ``KERNEL_THRESHOLDS`` with ``mallopt``
    (glibc only; elsewhere they are left as they are, and the line says so).
    """
    import ctypes

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import helpers  # noqa: F401  (what a notebook imports)
    from helpers.plotting import figure_output

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    figure_output(fig, alt="a line")
    plt.close(fig)
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's <malloc.h>
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return "allocator: not glibc's, thresholds left as they are"
    if not (mallopt(M_MMAP_THRESHOLD, KERNEL_THRESHOLDS["mmap"])
            and mallopt(M_TRIM_THRESHOLD, KERNEL_THRESHOLDS["trim"])):
        return "allocator: glibc refused the thresholds, left as they are"
    return (f"allocator: glibc, mmap threshold {KERNEL_THRESHOLDS['mmap'] >> 20} MiB, trim threshold "
            f"{KERNEL_THRESHOLDS['trim'] >> 20} MiB (mallopt; see benchmarks/common.py)")


def fresh_interpreter(num_iters, malloc_env=False):
    """Time the course's loop and helpers.train, ``num_iters`` iterations each at the course's
    size, in a new interpreter that imports only NumPy and helpers (no Matplotlib).

    malloc_env : also set ``MALLOC_ENV`` in its environment.
    Returns ``{"course": (seconds, faults), "helpers": (seconds, faults)}``.
    """
    env = dict(os.environ, **(MALLOC_ENV if malloc_env else {}))
    proc = subprocess.run([sys.executable, __file__, "--fresh", str(num_iters)], env=env,
                          capture_output=True, text=True, check=True)
    return {k: tuple(v) for k, v in json.loads(proc.stdout.splitlines()[-1]).items()}


def _run_fresh(num_iters):
    """The child of ``fresh_interpreter``: this interpreter has imported NumPy and helpers only."""
    X, y, params = course.course_net_setup()
    out = {}
    for name, fn in (("course", course_run), ("helpers", helpers_run)):
        fn(X, y, params, 10)  # imports and first calls, as a learner's first run would have done
        seconds, faults, _ = measure(lambda: fn(X, y, params, num_iters))  # noqa: B023
        out[name] = (seconds, faults)
    print(json.dumps(out))


def speedups_in_another_kernel(repeats=REPEATS):
    """The speed-up of helpers.train over the course's code at every size of SIZES, timed as both
    benchmarks time it (``enter_kernel_state``, then ``interleaved``), in a new process.

    The same code in another process of the same program can run at another speed (with no page
    faults in either), and at some sizes the ratio then differs by more than the rounds of one
    process show.  Timing it in a few processes shows that spread.  Returns ``{(N, H): best ratio}``.
    """
    proc = subprocess.run([sys.executable, __file__, "--speedups", str(repeats)], capture_output=True, text=True,
                          check=True)
    return {tuple(size): ratio for size, ratio in json.loads(proc.stdout.splitlines()[-1])}


def _run_speedups(repeats):
    """The child of ``speedups_in_another_kernel``."""
    enter_kernel_state()
    out = []
    for (n, h), iters in SIZES.items():
        X, y, p = task(n, h)
        course_stats, helpers_stats = interleaved([lambda: course_run(X, y, p, iters),  # noqa: B023
                                                   lambda: helpers_run(X, y, p, iters)], repeats)  # noqa: B023
        out.append(((n, h), speedup(course_stats["times"], helpers_stats["times"])[0]))
    print(json.dumps(out))


# --------------------------------------------------------------------------- the machine

def machine_report():
    """Lines that say what ran: CPU, load, OpenBLAS's kernel and threads, the variables that steer them."""
    from kernel_variants import kernel_label, probe

    lines = [f"Python {sys.version.split()[0]}, NumPy {np.__version__}, {os.cpu_count()} CPUs, "
             f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)"]
    info = probe(dict(os.environ))
    if "error" in info:
        lines.append(f"BLAS: unknown ({info['error']})")
    else:
        lines.append(f"NumPy's BLAS: {info.get('blas')} {info.get('blas_version') or ''}, kernel "
                     f"{kernel_label(info.get('kernel'))}, {info.get('threads')} threads "
                     f"({Path(info.get('library') or '?').name})")
    env = {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                                          "OMP_NUM_THREADS", *MALLOC_ENV)}
    lines.append(", ".join(f"{k}={v if v is not None else 'unset'}" for k, v in env.items()))
    if env["OPENBLAS_CORETYPE"] or env["OPENBLAS_L2_SIZE"]:
        lines.append("NOTE: OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE is set: OpenBLAS does not pick its own "
                     "kernel (`make bench` and `make bench-peers` unset both)")
    return lines


def load_now():
    """The load averages, for a line beside the figures."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__" and sys.argv[1:2] == ["--fresh"]:
    _run_fresh(int(sys.argv[2]))
elif __name__ == "__main__" and sys.argv[1:2] == ["--speedups"]:
    _run_speedups(int(sys.argv[2]))
