"""Saving a project keeps an existing file's mode and honours the umask for a new one
(issue 20, item 17): the atomic save used to leave every project 0600."""
from __future__ import annotations

import os
import stat

import pytest

from jjjmap.io.project import save_project
from jjjmap.model import MapDocument

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def umask():
    old = os.umask(0o022)
    try:
        yield lambda mask: os.umask(mask)
    finally:
        os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("mask,expected", [(0o002, 0o664), (0o022, 0o644), (0o077, 0o600)])
def test_new_project_honours_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    path = save_project(MapDocument(), tmp_path / "new.jjjmap")
    assert mode(path) == expected


@pytest.mark.parametrize("existing", [0o664, 0o640, 0o600, 0o444])
def test_saving_over_a_project_keeps_its_mode(tmp_path, umask, existing):
    umask(0o077)
    path = tmp_path / "old.jjjmap"
    save_project(MapDocument(title="first"), path)
    os.chmod(path, existing)
    save_project(MapDocument(title="second"), path)
    assert mode(path) == existing
    assert "second" in path.read_text(encoding="utf-8")
