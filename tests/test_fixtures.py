"""The shared fixtures themselves: a build that fails once is one clear error, not dozens."""

from __future__ import annotations

SUITE = """
import pytest

from conftest import shared

made = []


@pytest.fixture
def site(request):
    def make():
        made.append(1)
        raise RuntimeError("kernel did not start in time")

    return shared(request, "the test site", make)


@pytest.mark.parametrize("page", range(5))
def test_page(site, page):
    pass


def test_made_once():
    assert made == [1]
"""


def test_a_shared_build_that_fails_is_one_error_naming_its_cause(pytester):
    pytester.makepyfile(test_suite=SUITE)
    result = pytester.runpytest_inprocess("-rN", "-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=5)
    text = result.stdout.str()
    assert text.count("E       RuntimeError: kernel did not start in time") == 1, text
    pointer = "the test site failed: see the error of test_suite.py::test_page[0]"
    assert text.count(pointer) == 4, text


def test_a_shared_build_is_made_once(pytester):
    pytester.makepyfile(
        test_suite="""
import pytest

from conftest import shared

made = []


@pytest.fixture
def site(request):
    return shared(request, "the test site", lambda: made.append(1) or "site")


@pytest.mark.parametrize("page", range(3))
def test_page(site, page):
    assert site == "site"


def test_made_once():
    assert made == [1]
"""
    )
    pytester.runpytest_inprocess("-p", "no:randomly", "-p", "no:cacheprovider").assert_outcomes(
        passed=4
    )
