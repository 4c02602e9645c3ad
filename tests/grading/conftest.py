"""`make test-nbgrader`: the grading table and the times are printed at the end of the run."""
import pytest

SUMMARY = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def summary(request):
    """Lines for the end of the run; the tests append to it."""
    return request.config.stash.setdefault(SUMMARY, [])


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(SUMMARY, [])
    if lines:
        terminalreporter.section("nbgrader: points per grade cell, from the gradebook")
        for line in lines:
            terminalreporter.write_line(line)
