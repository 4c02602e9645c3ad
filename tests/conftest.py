import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from helpers import course  # noqa: E402


@pytest.fixture(scope="session")
def spiral():
    """The course's data: X (300, 2), y (300,)."""
    _, X, y = course.course_data()
    return X, y
