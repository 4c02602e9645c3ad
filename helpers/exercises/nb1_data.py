"""Notebook 1's exercise, ``spiral_arm``: its inputs, its known mistakes and its check."""
import numpy as np

from .engine import Exercise
from .inputs import seeded_rng


# ---------------------------------------------------------------- ex1_spiral_arm: one arm of the spiral
def _arm(j, N, rng, *, four=4, noise=0.2, trig=(np.sin, np.cos), stack=np.column_stack):
    """Arm ``j`` of the spiral, ``N`` points, or one of its known mistakes."""
    r = np.linspace(0.0, 1.0, N)
    t = np.linspace(four * j, four * (j + 1), N) + noise * rng.standard_normal(N)
    return stack([r * trig[0](t), r * trig[1](t)])


def _arm_properties(cases, expected, received):
    """When no mutant matches: the hint for an arm of the right shape, by whether its radii are right."""
    got = received[0]
    if isinstance(got, np.ndarray) and got.shape == expected[0].shape and np.all(np.isfinite(got)):
        radii = np.hypot(got[:, 0], got[:, 1])
        if np.allclose(radii, np.hypot(expected[0][:, 0], expected[0][:, 1])):
            return "arm_other_draws"
        return "arm_radius"
    return None


SPIRAL_ARM = Exercise(
    "spiral_arm",
    reference=lambda j, N, rng: _arm(j, N, rng),
    cases=lambda: [(1, 7, seeded_rng(3)), (2, 5, seeded_rng(4))],
    mutants=[
        ("arm_transposed", lambda j, N, rng: _arm(j, N, rng, stack=np.vstack)),
        ("arm_sin_cos", lambda j, N, rng: _arm(j, N, rng, trig=(np.cos, np.sin))),
        ("arm_no_four", lambda j, N, rng: _arm(j, N, rng, four=1)),
        ("arm_no_noise", lambda j, N, rng: _arm(j, N, rng, noise=0.0)),
        ("arm_noise_scale", lambda j, N, rng: _arm(j, N, rng, noise=1.0)),
    ],
    outputs=("arm",),
    properties=_arm_properties,
    forbidden=("make_spiral",),
)


# ---------------------------------------------------------------- the check its grade cell calls
def check_spiral_arm(spiral_arm):
    """Check ``spiral_arm(j, N, rng)``, the (N, 2) points of arm j. Returns the function to use below."""
    return SPIRAL_ARM.check(spiral_arm)
