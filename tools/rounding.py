"""Which notebooks can print something that depends on rounding: the ones the rounding checks re-run.

    python tools/rounding.py        (every notebook, and whether and why it is re-run)

`make test` runs every notebook once under nbval. Two checks then re-run some of them with the rounding
changed: tests/test_perturbed_notebooks.py (rounding-sized perturbations of training, on any machine) runs
the notebooks that ``trains`` selects, and `make test-kernels` (every OpenBLAS kernel and NumPy SIMD level
the CPU runs) the notebooks that ``rounding_sensitive`` selects. The rules, detected in the code cells:

* a notebook trains if a code cell calls a function with "train" in its name (``train(``, ``retrain(``,
  a learner's ``train_network(``), makes a ``Session(`` or a ``Playground(``, or loops over
  ``range(...ITERS...)`` or ``range(num_iters)``. Thousands of steps, each feeding its rounding into the
  next, grow a difference of 1e-16 into one of 1e-4 in the loss (helpers.perturb;
  tests/nbval_sanitize.cfg has the measured spread);
* a notebook prints rounding noise if it computes a numerical gradient or its relative error
  (``numerical_gradient(``, ``gradient_errors(``, ``rel_error(``): such an error is mostly rounding, so even
  its order of magnitude can move with the kernel;
* a notebook whose metadata holds ``"spiral": {"rounding_sensitive": true}`` is re-run under every kernel
  whatever its code: for a value printed so close to a rounding edge that no rule above sees it.

Why the other notebooks need no re-run: a kernel or SIMD level changes one matrix product or one vectorised
function by a few units in the last place, about 1e-16 relative. A notebook that neither trains nor prints
rounding noise prints shapes, counts, booleans of ``np.allclose``, and numbers computed by a short chain of
such operations from fixed data, rounded to at most six significant digits: one of those changes only if it
lies within about 1e-15 of a rounding edge. In notebooks 1 and 2 the closest printed number lies 5e-8 (relative)
from its edge: the loss 1.096919 of notebook 2.
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRAINS = re.compile(r"\b(\w*train\w*|Session|Playground)\(|\brange\([^)]*iters", re.IGNORECASE)
PRINTS_ROUNDING_NOISE = re.compile(r"\b(numerical_gradient|gradient_errors|rel_error)\(")


def _code(path):
    """The source of every code cell of the notebook at ``path``, and the notebook's metadata."""
    nb = json.loads(Path(path).read_text())
    return ["".join(cell["source"]) for cell in nb["cells"] if cell["cell_type"] == "code"], nb.get("metadata", {})


def reasons(path):
    """Why the notebook at ``path`` is re-run with the rounding changed: a list of phrases, empty if it is not."""
    cells, metadata = _code(path)
    found = []
    if any(TRAINS.search(source) for source in cells):
        found.append("trains")
    if any(PRINTS_ROUNDING_NOISE.search(source) for source in cells):
        found.append("prints rounding noise (a numerical gradient)")
    if metadata.get("spiral", {}).get("rounding_sensitive"):
        found.append("declared in its metadata")
    return found


def trains(path):
    """Whether the perturbation test re-runs the notebook (its perturbations act on training only)."""
    return "trains" in reasons(path)


def rounding_sensitive(path):
    """Whether make test-kernels re-runs the notebook under every kernel."""
    return bool(reasons(path))


def notebooks(select, folder=ROOT / "notebooks"):
    """The notebooks of ``folder`` for which ``select(path)`` holds, sorted by name."""
    return [path for path in sorted(Path(folder).glob("*.ipynb")) if select(path)]


def main():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        why = reasons(path)
        print(f"{path.name}: " + (", ".join(why) if why else "neither trains nor prints rounding noise: nbval once"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
