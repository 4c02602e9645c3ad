"""Instant checks for the exercises of notebooks 1-4, one ``check_...`` per exercise.

Each check calls the learner's function on small inputs chosen so that the
common mistakes give different answers (unit-scale weights and ``reg`` 0.1
rather than the course's ``0.01 * randn`` start, where a missing L2 term does
not show; scores near 1000, where ``np.exp`` overflows without the max shift;
a row spanning 3000, where a shift by its mean overflows too; a square score
matrix, where a lost ``keepdims`` still broadcasts; numbers of examples other
than the notebook's 300). Then:

* right: one line says so, and the check returns the learner's function;
* not written yet (it raises ``NotImplementedError``): one line says so, and the
  check returns the ``helpers`` version, so that the cells below still run;
* wrong: it says what was expected and what was received (a shape, or a value
  such as the loss) on the first input where they differ, named if the check
  has several ("on scores near 1000"), and names the mistake whose result matches, found by
  running each known mistake on the same inputs. It returns the ``helpers``
  version too. Expected arrays are never printed, only their shapes and
  properties.

A function that calls the ``helpers`` function it stands for (``helpers.softmax``
in ``softmax_probs``, say) is not right, whatever it returns: each exercise lists
the helpers that its learner's code may not call. Nor is one that changes an
argument in place, but for the arguments an exercise lists as ``restored``
(``x`` in ``numerical_gradient``): those it may change, if it puts them back.

Under nbgrader's autograder (the environment variable ``NBGRADER_EXECUTION``
is set) a check that is not right writes its message to stderr instead of
stdout, which is how nbgrader scores a cell 0, and still hands the cells below
the ``helpers`` version: a wrong exercise costs its own point and nothing else.
Otherwise checks write to stdout only, and the learner's code runs with NumPy's
floating-point warnings silenced, so that a right answer never scores 0 for a
warning. Every line a check writes fits nbgrader's feedback (80 characters).

The package, in reading order:

* ``engine``: ``Exercise``, and how a check reaches its verdict;
* ``running``: calling the learner's function (copies, silenced warnings, forbidden helpers, changes in place);
* ``messages``: the wording of a verdict; ``hints``: the text of every mistake a check can name;
* ``nb1_data`` ... ``nb4_two_layer_net``: each notebook's exercises, their inputs, known mistakes and checks
  (``inputs``: the seeded draws they start from).

This module gathers the checks the grade cells call, and ``EXERCISES``, every exercise by name.
"""
from .hints import HINTS
from .messages import WIDTH
from .nb1_data import SPIRAL_ARM, check_spiral_arm
from .nb2_softmax import (LOSS, LOSS_FROM_SCORES, SCORES, SOFTMAX, check_class_scores, check_loss_from_scores,
                          check_softmax_loss_l2, check_softmax_probs)
from .nb3_backprop import (DSCORES, LINEAR_BACKWARD, NEURON, NUMERICAL_GRADIENT, UPDATE,
                           check_gradient_descent_update, check_linear_backward, check_neuron_backward,
                           check_numerical_gradient, check_score_gradient)
from .nb4_two_layer_net import (NETWORK_BACKWARD, NETWORK_FORWARD, NETWORK_LOSS, RELU_FORWARD, RELU_SWITCH,
                                SECOND_LAYER, TRAIN_NETWORK, check_hidden_activation, check_network_backward,
                                check_network_forward, check_network_loss, check_relu_switch,
                                check_second_layer_backward, check_train_network)

__all__ = [
    "EXERCISES", "HINTS", "WIDTH",
    "check_spiral_arm", "check_class_scores", "check_softmax_probs", "check_softmax_loss_l2", "check_loss_from_scores",
    "check_neuron_backward", "check_score_gradient", "check_linear_backward", "check_numerical_gradient",
    "check_gradient_descent_update",
    "check_hidden_activation", "check_relu_switch", "check_second_layer_backward",
    "check_network_forward", "check_network_loss", "check_network_backward", "check_train_network",
]

# in the order of the exercises' numbers (the grade ids ex1_spiral_arm, ...)
EXERCISES = {ex.name: ex for ex in (SPIRAL_ARM, SCORES, SOFTMAX, LOSS, LOSS_FROM_SCORES,
                                    NEURON, DSCORES, LINEAR_BACKWARD, NUMERICAL_GRADIENT, UPDATE,
                                    RELU_FORWARD, SECOND_LAYER, RELU_SWITCH, NETWORK_FORWARD, NETWORK_LOSS,
                                    NETWORK_BACKWARD, TRAIN_NETWORK)}
