"""The course's set-up and its published numbers, so that every notebook can start fresh.

The course seeds one legacy generator, ``np.random.seed(0)``, and draws, in
order: the spiral's 300 normals, the linear classifier's ``W`` (2 x 3), the
network's ``W`` (2 x 100) and its ``W2`` (100 x 3). Replaying that order from
``np.random.RandomState(0)`` reproduces the course's printout in any notebook,
whatever ran before it.
"""
import numpy as np

from . import perturb
from .data import make_spiral
from .models import init_linear, init_two_layer

N, D, K = 100, 2, 3
HIDDEN_SIZE = 100
STEP_SIZE, REG = 1.0, 1e-3
LINEAR_ITERS, LINEAR_RECORD_EVERY = 200, 10
NET_ITERS, NET_RECORD_EVERY = 10000, 1000

# The losses the course's companion notebook prints with this seed (iteration: loss).
COURSE_LINEAR_LOSSES = {
    0: 1.096919, 10: 0.917310, 20: 0.851535, 30: 0.822352, 40: 0.807594,
    50: 0.799452, 60: 0.794683, 70: 0.791765, 80: 0.789921, 90: 0.788726,
    100: 0.787937, 110: 0.787408, 120: 0.787049, 130: 0.786803, 140: 0.786633,
    150: 0.786514, 160: 0.786431, 170: 0.786373, 180: 0.786331, 190: 0.786302,
}
COURSE_NET_LOSSES = {
    0: 1.098637, 1000: 0.294416, 2000: 0.266441, 3000: 0.251507, 4000: 0.248295,
    5000: 0.247111, 6000: 0.246433, 7000: 0.245962, 8000: 0.245332, 9000: 0.244925,
}
COURSE_LINEAR_ACCURACY, COURSE_NET_ACCURACY = 0.49, 0.98


def course_data():
    """The generator seeded as in the course, and the spiral drawn from it.

    Returns ``rng, X, y``: X (300, 2), y (300,); ``rng`` is ready for the next draw.
    """
    rng = np.random.RandomState(0)
    X, y = make_spiral(N, K, rng=rng)
    return rng, X, y


def course_linear_setup():
    """``X, y, params`` for the linear classifier, drawn in the course's order."""
    rng, X, y = course_data()
    return X, y, init_linear(D, K, rng=rng)


def course_net_setup():
    """``X, y, params`` for the 2-layer network, drawn in the course's order.

    The linear classifier's ``W`` is drawn (and dropped) first, as in the course,
    so that the network starts from the same numbers. Under the perturbation test
    (``$SPIRAL_PERTURB``, see ``helpers.perturb.start``) the weights are nudged.
    """
    rng, X, y = course_data()
    init_linear(D, K, rng=rng)
    return X, y, perturb.start(init_two_layer(D, HIDDEN_SIZE, K, rng=rng))


def compare_with_course(loss_history, course_losses, atol):
    """Print each recorded loss beside the course's, and return whether all agree within ``atol``.

    loss_history : list of ``(iteration, loss)``; course_losses : dict iteration -> loss.
    """
    ours = dict(loss_history)
    if set(ours) != set(course_losses):
        raise ValueError(
            f"loss_history must record the course's iterations {sorted(course_losses)}; "
            f"got {sorted(ours)}"
        )
    worst = max(abs(ours[i] - course_losses[i]) for i in course_losses)
    agree = worst <= atol
    print(f"{len(course_losses)} losses compared with the course's: "
          f"{'all agree' if agree else 'NOT all agree'} within {atol:g}")
    return agree
