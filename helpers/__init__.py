"""Vectorized NumPy kernels for the spiral-classifier notebooks."""
from .data import make_spiral
from .gradcheck import gradient_errors, numerical_gradient, rel_error
from .layers import affine_backward, affine_forward, relu_backward, relu_forward
from .models import accuracy, dead_units, init_linear, init_two_layer, loss_and_grads, predict
from .softmax import l2_penalty, log_softmax, softmax, softmax_loss
from .train import Divergence, TrainingResult, train

__all__ = [
    "make_spiral",
    "gradient_errors", "numerical_gradient", "rel_error",
    "affine_forward", "affine_backward", "relu_forward", "relu_backward",
    "init_linear", "init_two_layer", "loss_and_grads", "predict", "accuracy", "dead_units",
    "softmax", "log_softmax", "softmax_loss", "l2_penalty",
    "train", "TrainingResult", "Divergence",
]
