"""Notebook 4's exercises, ``hidden_activation``, ``second_layer_backward`` and ``relu_switch``: their
inputs, their known mistakes and their checks."""
import numpy as np

from ..layers import relu_forward
from ..softmax import softmax_loss
from .engine import Exercise
from .inputs import seeded_rng, shuffled_labels


# ---------------------------------------------------------------- ex8_hidden_activation: the ReLU forward
def _relu_case():
    z = seeded_rng(15).standard_normal((5, 4))
    z[0, 0] = 0.0
    return [(z,)]


def _np_max(z):
    return np.max(0, z)


RELU_FORWARD = Exercise(
    "hidden_activation",
    reference=lambda z: relu_forward(z)[0],
    cases=_relu_case,
    mutants=[
        ("relu_not_applied", lambda z: z.copy()),
        ("relu_wrong_side", lambda z: np.minimum(0, z)),
        ("relu_wrong_side", lambda z: np.maximum(0, -z)),
        ("relu_mask", lambda z: (z > 0).astype(float)),
        ("np_max", _np_max),
    ],
    outputs=("hidden_layer",),
    forbidden=("relu_forward",),
)


# ---------------------------------------------------------------- ex9_second_layer_backward: dW2, db2, dhidden
def _second_case():
    rng = seeded_rng(17)
    hidden_layer = np.maximum(0, rng.standard_normal((6, 4)))
    dscores = softmax_loss(2.0 * rng.standard_normal((6, 3)), shuffled_labels(6, 3, 18))[1]
    return [(hidden_layer, dscores, rng.standard_normal((4, 3)), 0.1)]


def _second(A, d, W2, reg, *, reg_factor=1.0, t_dW2=False, t_dhidden=False, db_axis=0, keepdims=True,
            switch=False):
    dW2 = d.T @ A + reg_factor * reg * W2.T if t_dW2 else A.T @ d + reg_factor * reg * W2
    dhidden = W2 @ d.T if t_dhidden else d @ W2.T
    if switch:
        dhidden = dhidden * (A > 0)
    return dW2, d.sum(axis=db_axis, keepdims=keepdims), dhidden


SECOND_LAYER = Exercise(
    "second_layer_backward",
    reference=lambda A, d, W2, reg: _second(A, d, W2, reg),
    cases=_second_case,
    mutants=[
        ("transposed", lambda A, d, W2, reg: _second(A, d, W2, reg, t_dW2=True)),
        ("transposed", lambda A, d, W2, reg: _second(A, d, W2, reg, t_dhidden=True)),
        ("transposed", lambda A, d, W2, reg: _second(A, d, W2, reg, t_dW2=True, t_dhidden=True)),
        ("no_reg_grad2", lambda A, d, W2, reg: _second(A, d, W2, reg, reg_factor=0.0)),
        ("half_reg_grad2", lambda A, d, W2, reg: _second(A, d, W2, reg, reg_factor=0.5)),
        ("lost_keepdims", lambda A, d, W2, reg: _second(A, d, W2, reg, keepdims=False)),
        ("wrong_axis", lambda A, d, W2, reg: _second(A, d, W2, reg, db_axis=1)),
        ("wrong_axis", lambda A, d, W2, reg: _second(A, d, W2, reg, db_axis=1, keepdims=False)),
        ("switch_early", lambda A, d, W2, reg: _second(A, d, W2, reg, switch=True)),
    ],
    outputs=("dW2", "db2", "dhidden"),
    forbidden=("affine_backward", "relu_backward", "loss_and_grads"),
)


# ---------------------------------------------------------------- ex10_relu_switch: the ReLU backward switch
def _switch_case():
    rng = seeded_rng(16)
    z = rng.standard_normal((5, 4))
    z[1, 2] = 0.0                    # a unit exactly at its kink is off
    return [(rng.standard_normal((5, 4)), z)]


RELU_SWITCH = Exercise(
    "relu_switch",
    reference=lambda dhidden, z: np.where(z > 0, dhidden, 0.0),
    cases=_switch_case,
    mutants=[
        ("switch_not_applied", lambda d, z: d.copy()),
        ("switch_wrong_side", lambda d, z: d * (z < 0)),
        ("switch_wrong_side", lambda d, z: d * (z <= 0)),
        ("switch_times_z", lambda d, z: d * z),
        ("switch_times_z", lambda d, z: d * np.maximum(0, z)),
    ],
    outputs=("dz",),
    forbidden=("relu_backward",),
)


# ---------------------------------------------------------------- the checks their grade cells call
def check_hidden_activation(hidden_activation):
    """Check ``hidden_activation(z)``, the ReLU A = max(0, Z)."""
    return RELU_FORWARD.check(hidden_activation)


def check_second_layer_backward(second_layer_backward):
    """Check ``second_layer_backward(hidden_layer, dscores, W2, reg)``, returning ``dW2`` (with reg * W2),
    ``db2`` and ``dhidden``."""
    return SECOND_LAYER.check(second_layer_backward)


def check_relu_switch(relu_switch):
    """Check ``relu_switch(dhidden, z)``, dL/dZ = dL/dA * 1(Z > 0)."""
    return RELU_SWITCH.check(relu_switch)
