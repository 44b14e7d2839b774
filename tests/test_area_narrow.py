"""The area a restricted layer is read for: asked, narrowed to the caller's own."""

from __future__ import annotations

import pytest

from geomap.accounts import User
from geomap.area import narrow


def user(role: str, area: str | None) -> User:
    return User(id=1, username="u", role=role, area=area)


@pytest.mark.parametrize(("role", "own", "asked", "gets"), [
    ("admin", None, None, None),
    ("admin", "32.04", "32.73", "32.73"),
    ("dinas", "32.04", None, "32.04"),
    ("dinas", "32.04", "32", "32.04"),
    ("dinas", "32.04", "32.04.05", "32.04.05"),
    ("tksk", "32.04.05", "32.04", "32.04.05"),
    ("planner", "32.04", "32.04", "32.04"),
])
def test_narrowed_to_the_callers_area(role, own, asked, gets):
    assert narrow(user(role, own), asked) == gets


@pytest.mark.parametrize(("role", "own", "asked"), [
    ("dinas", "32.04", "32.73"),
    ("tksk", "32.04.05", "32.04.06"),
])
def test_another_area_is_refused(role, own, asked):
    with pytest.raises(PermissionError):
        narrow(user(role, own), asked)


def test_nobody_is_refused():
    with pytest.raises(PermissionError):
        narrow(None, "32.04")
