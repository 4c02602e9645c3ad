"""The course's own training loops, transcribed faithfully to Python 3: the baseline.

This is the code of the CS231n "toy 2-D neural network" case study, line for
line (``print`` became a function, ``range`` stays as the fancy index).  It is
deliberately *not* optimised: ``np.exp`` without the max-shift, fancy indexing
with ``range(num_examples)``, fresh arrays allocated at every step.  The
benchmark times ``helpers.train.train`` against it.

The only changes from the course: the loops are wrapped in functions, the
starting parameters are passed in (and copied, so that repeated benchmark runs
start from the same numbers), and the printed losses are also returned.
"""
import numpy as np


def train_linear(X, y, W, b, step_size=1e-0, reg=1e-3, num_iters=200, record_every=10, verbose=False):
    """Train a Softmax linear classifier: the course's loop.

    Returns ``(losses, W, b)`` with ``losses`` a list of ``(iteration, loss)``.
    """
    W, b = W.copy(), b.copy()
    losses = []
    # gradient descent loop
    num_examples = X.shape[0]
    for i in range(num_iters):
        # evaluate class scores, [N x K]
        scores = np.dot(X, W) + b
        # compute the class probabilities
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)  # [N x K]
        # compute the loss: average cross-entropy loss and regularization
        correct_logprobs = -np.log(probs[range(num_examples), y])
        data_loss = np.sum(correct_logprobs) / num_examples
        reg_loss = 0.5 * reg * np.sum(W * W)
        loss = data_loss + reg_loss
        if i % record_every == 0:
            losses.append((i, loss))
            if verbose:
                print("iteration %d: loss %f" % (i, loss))
        # compute the gradient on scores
        dscores = probs
        dscores[range(num_examples), y] -= 1
        dscores /= num_examples
        # backpropate the gradient to the parameters (W,b)
        dW = np.dot(X.T, dscores)
        db = np.sum(dscores, axis=0, keepdims=True)
        dW += reg * W  # regularization gradient
        # perform a parameter update
        W += -step_size * dW
        b += -step_size * db
    return losses, W, b


def train_two_layer(X, y, W, b, W2, b2, step_size=1e-0, reg=1e-3, num_iters=10000, record_every=1000,
                    verbose=False):
    """Train the 2-layer ReLU network: the course's loop.

    Returns ``(losses, W, b, W2, b2)`` with ``losses`` a list of ``(iteration, loss)``.
    """
    W, b, W2, b2 = W.copy(), b.copy(), W2.copy(), b2.copy()
    losses = []
    # gradient descent loop
    num_examples = X.shape[0]
    for i in range(num_iters):
        # evaluate class scores, [N x K]
        hidden_layer = np.maximum(0, np.dot(X, W) + b)  # note, ReLU activation
        scores = np.dot(hidden_layer, W2) + b2
        # compute the class probabilities
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)  # [N x K]
        # compute the loss: average cross-entropy loss and regularization
        correct_logprobs = -np.log(probs[range(num_examples), y])
        data_loss = np.sum(correct_logprobs) / num_examples
        reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
        loss = data_loss + reg_loss
        if i % record_every == 0:
            losses.append((i, loss))
            if verbose:
                print("iteration %d: loss %f" % (i, loss))
        # compute the gradient on scores
        dscores = probs
        dscores[range(num_examples), y] -= 1
        dscores /= num_examples
        # backpropate the gradient to the parameters
        # first backprop into parameters W2 and b2
        dW2 = np.dot(hidden_layer.T, dscores)
        db2 = np.sum(dscores, axis=0, keepdims=True)
        # next backprop into hidden layer
        dhidden = np.dot(dscores, W2.T)
        # backprop the ReLU non-linearity
        dhidden[hidden_layer <= 0] = 0
        # finally into W,b
        dW = np.dot(X.T, dhidden)
        db = np.sum(dhidden, axis=0, keepdims=True)
        # add regularization gradient contribution
        dW2 += reg * W2
        dW += reg * W
        # perform a parameter update
        W += -step_size * dW
        b += -step_size * db
        W2 += -step_size * dW2
        b2 += -step_size * db2
    return losses, W, b, W2, b2


def accuracy_linear(X, y, W, b):
    """The course's training-set accuracy of the linear classifier."""
    scores = np.dot(X, W) + b
    predicted_class = np.argmax(scores, axis=1)
    return np.mean(predicted_class == y)


def accuracy_two_layer(X, y, W, b, W2, b2):
    """The course's training-set accuracy of the 2-layer network."""
    hidden_layer = np.maximum(0, np.dot(X, W) + b)
    scores = np.dot(hidden_layer, W2) + b2
    predicted_class = np.argmax(scores, axis=1)
    return np.mean(predicted_class == y)
