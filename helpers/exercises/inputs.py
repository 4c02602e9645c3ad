"""The seeded draws that the exercises' inputs are built from, so that every check sees the same inputs."""
import numpy as np


def seeded_rng(seed):
    return np.random.RandomState(seed)


def shuffled_labels(n, K, seed):
    """``n`` labels in [0, K), every class present (if n >= K), in a seeded order."""
    y = np.arange(n) % K
    return seeded_rng(seed).permutation(y).astype(np.uint8)
