"""tools/rounding.py: which notebooks the rounding checks re-run (the perturbation test and make test-kernels).

Made-up notebooks only, so that the rules are tested whatever the series' notebooks hold."""
import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("rounding", ROOT / "tools" / "rounding.py")
rounding = importlib.util.module_from_spec(spec)
sys.modules["rounding"] = rounding
spec.loader.exec_module(rounding)


def notebook(folder, name, *sources, metadata=None):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("helpers.train(params) is only mentioned here")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata.update(metadata or {})
    path = Path(folder) / name
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("source", ["result = helpers.train(params, X, y)", "net = train(net_start, X, y)",
                                    "run = Session({'reg': 1e-3})\nrun.retrain()", "pg = Playground()",
                                    "def train_network(X, y):\n    pass", "for i in range(LINEAR_ITERS):\n    pass",
                                    "for i in range(num_iters):\n    pass"])
def test_a_notebook_that_trains_is_rerun_by_both_checks(tmp_path, source):
    path = notebook(tmp_path, "a.ipynb", "import numpy as np", source)
    assert rounding.reasons(path) == ["trains"]
    assert rounding.trains(path) and rounding.rounding_sensitive(path)


@pytest.mark.parametrize("source", ["err = helpers.rel_error(dW, numerical_dW)",
                                    "errors = helpers.gradient_errors(f, params)",
                                    "def numerical_gradient(f, x, eps):\n    pass"])
def test_rounding_noise_is_rerun_under_the_kernels_only(tmp_path, source):
    """The perturbations act on training alone: they would change nothing in such a notebook."""
    path = notebook(tmp_path, "a.ipynb", source)
    assert rounding.reasons(path) == ["prints rounding noise (a numerical gradient)"]
    assert rounding.rounding_sensitive(path) and not rounding.trains(path)


def test_a_notebook_may_declare_itself(tmp_path):
    path = notebook(tmp_path, "a.ipynb", "print(f'{np.float64(0.1) * 3:.17f}')",
                    metadata={"spiral": {"rounding_sensitive": True}})
    assert rounding.reasons(path) == ["declared in its metadata"]
    assert rounding.rounding_sensitive(path) and not rounding.trains(path)


def test_a_notebook_that_neither_trains_nor_prints_rounding_noise_runs_once(tmp_path):
    plain = notebook(tmp_path, "b.ipynb", "scores = X @ W + b", "for j in range(K):\n    arm(j)",
                     "print(f'loss {loss:f} after training')")
    trains = notebook(tmp_path, "a.ipynb", "helpers.train(params, X, y)")
    assert rounding.reasons(plain) == []
    assert rounding.notebooks(rounding.rounding_sensitive, tmp_path) == [trains]
    assert rounding.notebooks(rounding.trains, tmp_path) == [trains]


def test_the_series_notebooks_that_train_are_selected():
    selected = {path.name for path in rounding.notebooks(rounding.trains)}
    assert {"03_backprop.ipynb", "04_two_layer_net.ipynb"} <= selected
    assert not {"01_data.ipynb", "02_softmax.ipynb"} & selected
