"""The one capped read: every reader of a user's file gets the same cap, the same worded problems and
the same refusal of a file name the OS cannot take (a NUL byte), which one of the old copies lacked."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from advisor.catalog.errors import CatalogError, ScenarioError
from advisor.catalog.importing import read_incoming
from advisor.catalog.overlay import OverlayReadError, read_overlay
from advisor.catalog.refresh import load_models_dev
from advisor.catalog.store import load_document, read_json_file
from advisor.recommend.scenario import load_scenario
from advisor.storage import reading
from advisor.storage.reading import FileReadError, read_capped

NUL_NAME = "bad\x00name.json"


def test_reads_the_whole_file(tmp_path: Path) -> None:
    file = tmp_path / "a.json"
    file.write_bytes(b'{"x": 1}')
    assert read_capped(file) == b'{"x": 1}'
    assert read_capped(file, limit=8) == b'{"x": 1}'  # exactly at the cap is allowed


@pytest.mark.parametrize(("make", "reason", "words"), [
    (lambda d: d / "absent.json", "missing", "cannot be read: No such file or directory"),
    (lambda d: d, "unreadable", "cannot be read: Is a directory"),
    (lambda d: d / NUL_NAME, "bad_name", "is not a usable file name (embedded null byte)"),
], ids=["missing", "a folder", "NUL byte"])
def test_each_failure_has_a_reason_and_words(tmp_path: Path, make: Callable[[Path], Path], reason: str,
                                             words: str) -> None:
    with pytest.raises(FileReadError) as info:
        read_capped(make(tmp_path))
    assert info.value.reason == reason
    assert str(info.value).endswith(words)
    assert "\x00" not in str(info.value)  # the name is shown escaped, not with a raw NUL


def test_over_the_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    file = tmp_path / "big.json"
    file.write_bytes(b"x" * 3_000_000)
    with pytest.raises(FileReadError, match=r"big.json: is 3 MB; the limit is 2 MB") as info:
        read_capped(file, limit=2_000_000)
    assert info.value.reason == "too_big"


def test_a_file_larger_than_its_stated_size_is_still_capped(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows after the size check (or a /proc-like file that states size 0) is read at
    most one byte past the cap, and refused."""
    file = tmp_path / "growing.json"
    file.write_bytes(b"x" * 5000)
    real_fstat = os.fstat

    def stated_zero(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 0,
                               int(st.st_atime), int(st.st_mtime), int(st.st_ctime)))

    monkeypatch.setattr(os, "fstat", stated_zero)
    with pytest.raises(FileReadError) as info:
        read_capped(file, limit=1000)
    assert info.value.reason == "too_big"


def test_the_cap_is_looked_up_when_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "a.json"
    file.write_bytes(b"{}" * 100)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 199)
    with pytest.raises(FileReadError, match="the limit is 0 MB"):
        read_capped(file)


CATALOG_READERS: dict[str, Callable[[Path], object]] = {
    "catalog document": load_document,
    "JSON file (validate, settings)": read_json_file,
    "import": read_incoming,
    "models.dev file": lambda p: load_models_dev(str(p)),
}


@pytest.mark.parametrize("reader", CATALOG_READERS.values(), ids=CATALOG_READERS.keys())
def test_every_catalog_reader_words_a_nul_byte_and_the_cap(reader: Callable[[Path], object], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CatalogError, match="is not a usable file name"):
        reader(tmp_path / NUL_NAME)
    big = tmp_path / "big.json"
    big.write_bytes(b"{}" * 100)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    with pytest.raises(CatalogError, match="the limit is"):
        reader(big)


def test_a_scenario_reader_words_them_as_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is not a usable file name"):
        load_scenario(tmp_path / NUL_NAME)


def test_the_overlay_tells_an_unusable_name_from_a_damaged_file(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a damaged file may be moved aside: a name the OS refuses says nothing about the file."""
    assert read_overlay(tmp_path / "absent.json").models == {}  # no overlay yet: an empty one
    with pytest.raises(OverlayReadError, match="is not a usable file name") as info:
        read_overlay(tmp_path / NUL_NAME)
    assert info.value.kind == "unreadable"
    big = tmp_path / "overlay.json"
    big.write_bytes(b"{}" * 100)
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 100)
    with pytest.raises(OverlayReadError, match="the limit is") as info:
        read_overlay(big)
    assert info.value.kind == "damaged"
