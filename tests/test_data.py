import numpy as np
import pytest

from helpers import make_spiral


def course_spiral(N, K, rng):
    """The course's generation loop, transcribed, as an independent reference."""
    X = np.zeros((N * K, 2))
    y = np.zeros(N * K, dtype="uint8")
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)
        t = np.linspace(j * 4, (j + 1) * 4, N) + rng.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


def test_matches_the_course_generation_exactly():
    X, y = make_spiral(100, 3, rng=np.random.RandomState(0))
    X_ref, y_ref = course_spiral(100, 3, np.random.RandomState(0))
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert y.dtype == np.uint8


def test_leaves_the_generator_where_the_course_does():
    rng, ref = np.random.RandomState(0), np.random.RandomState(0)
    make_spiral(100, 3, rng=rng)
    ref.randn(300)
    assert rng.randn() == ref.randn()


@pytest.mark.parametrize("N, K", [(1, 1), (5, 2), (50, 7), (3, 256)])
def test_any_size_and_a_modern_generator(N, K):
    X, y = make_spiral(N, K, noise=0.5, rng=np.random.default_rng(1))
    assert X.shape == (N * K, 2)
    np.testing.assert_array_equal(np.bincount(y, minlength=K), np.full(K, N))
    np.testing.assert_array_equal(y, np.repeat(np.arange(K), N))


def test_geometry_radius_and_noise_free_angle():
    N, K = 40, 4
    X, y = make_spiral(N, K, noise=0.0, rng=np.random.default_rng(0))
    for j in range(K):
        arm = X[y == j]
        np.testing.assert_allclose(np.hypot(arm[:, 0], arm[:, 1]), np.linspace(0, 1, N), atol=1e-12)
        t = np.linspace(4 * j, 4 * (j + 1), N)
        np.testing.assert_allclose(arm[1:], np.c_[np.sin(t), np.cos(t)][1:] * np.linspace(0, 1, N)[1:, None])


def test_noise_moves_the_angles():
    quiet, _ = make_spiral(30, 2, noise=0.0, rng=np.random.default_rng(0))
    noisy, _ = make_spiral(30, 2, noise=0.2, rng=np.random.default_rng(0))
    assert not np.allclose(quiet, noisy)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(N=0), ValueError, "N must be an integer >= 1; got 0"),
        (dict(K=0), ValueError, "K must be an integer >= 1; got 0"),
        (dict(K=300), ValueError, "K must be at most 256"),
        (dict(N=2.5), TypeError, "N must be an integer"),
        (dict(noise=-0.1), ValueError, "noise must be a real number >= 0"),
        (dict(noise=float("nan")), ValueError, "noise must be finite"),
    ],
)
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        make_spiral(rng=np.random.RandomState(0), **kwargs)


@pytest.mark.parametrize("rng", [None, 0, "seed"])
def test_rng_must_be_a_numpy_generator(rng):
    with pytest.raises(TypeError, match="rng must be a np.random.RandomState or np.random.Generator"):
        make_spiral(rng=rng)
