"""Notebook 1's exercise, ``spiral_arm``: its inputs, its known mistakes and its check."""
import numpy as np

from .engine import Exercise
from .inputs import seeded_rng

NOISE = 0.2            # the angles' noise, as helpers.make_spiral draws it
PLAUSIBLE_NOISE = 1.0  # 5 standard deviations of it: a larger departure from the base angles is no noise


# ---------------------------------------------------------------- ex1_spiral_arm: one arm of the spiral
def _base_angles(j, N, four=4):
    """The angles of arm ``j`` before the noise: ``N`` of them, evenly from 4j to 4(j+1) radians."""
    return np.linspace(four * j, four * (j + 1), N)


def _arm(j, N, rng, *, base=_base_angles, noise=NOISE, trig=(np.sin, np.cos), stack=np.column_stack, draws=1):
    """Arm ``j`` of the spiral, ``N`` points, or one of its known mistakes (``draws=2``: a noise of
    its own for each coordinate, the first coordinate's drawn first)."""
    r = np.linspace(0.0, 1.0, N)
    t = [base(j, N) + noise * rng.standard_normal(N) for _ in range(draws)]
    return stack([r * trig[0](t[0]), r * trig[1](t[-1])])


def _in_degrees(trig):
    return lambda t: trig(np.radians(t))


def _arm_properties(cases, expected, received):
    """When no mutant matches, the hint for an arm of the right shape: by its radii, then by its angles.
    With the right radii, angles within a plausible noise of the base angles point at the draws (from
    another generator, say); angles further off, at the base angles."""
    hint = None
    for (j, N, _), exp, got in zip(cases, expected, received, strict=True):
        if not (isinstance(got, np.ndarray) and got.shape == exp.shape and np.all(np.isfinite(got))):
            return None
        radii = np.hypot(got[:, 0], got[:, 1])
        if not np.allclose(radii, np.hypot(exp[:, 0], exp[:, 1])):
            return "arm_radius"
        off = np.angle(np.exp(1j * (np.arctan2(got[1:, 0], got[1:, 1]) - _base_angles(j, N)[1:])))  # in (-pi, pi]
        if np.any(np.abs(off) > PLAUSIBLE_NOISE):   # the first point, at radius 0, has no angle
            hint = "arm_base_angles"
    return hint or "arm_other_draws"


SPIRAL_ARM = Exercise(
    "spiral_arm",
    reference=lambda j, N, rng: _arm(j, N, rng),
    cases=lambda: [(1, 7, seeded_rng(3)), (2, 5, seeded_rng(4))],
    mutants=[
        ("arm_transposed", lambda j, N, rng: _arm(j, N, rng, stack=np.vstack)),
        ("arm_sin_cos", lambda j, N, rng: _arm(j, N, rng, trig=(np.cos, np.sin))),
        ("arm_no_four", lambda j, N, rng: _arm(j, N, rng, base=lambda j, N: _base_angles(j, N, four=1))),
        ("arm_degrees", lambda j, N, rng: _arm(j, N, rng, base=lambda j, N: np.radians(_base_angles(j, N)))),
        ("arm_degrees", lambda j, N, rng: _arm(j, N, rng, trig=(_in_degrees(np.sin), _in_degrees(np.cos)))),
        ("arm_step", lambda j, N, rng: _arm(j, N, rng, base=lambda j, N: 4 * j + 4 * np.arange(N) / N)),
        ("arm_no_noise", lambda j, N, rng: _arm(j, N, rng, noise=0.0)),
        ("arm_noise_scale", lambda j, N, rng: _arm(j, N, rng, noise=1.0)),
        ("arm_two_draws", lambda j, N, rng: _arm(j, N, rng, draws=2)),
    ],
    outputs=("arm",),
    properties=_arm_properties,
    forbidden=("make_spiral",),
    labels=("with j = 1, N = 7", "with j = 2, N = 5"),
)


# ---------------------------------------------------------------- the check its grade cell calls
def check_spiral_arm(spiral_arm):
    """Check ``spiral_arm(j, N, rng)``, the (N, 2) points of arm j. Returns the function to use below."""
    return SPIRAL_ARM.check(spiral_arm)
