"""Writing is atomic: a failure at any point leaves neither a half chart nor temp folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkchart import write
from mkchart.errors import TargetExistsError, WriteError
from mkchart.write import write_new_chart

FILES = {"Chart.yaml": b"apiVersion: v2\n", "templates/a.yaml": b"a\n", "templates/b.yaml": b"b\n"}


def test_writes_every_file_and_the_charts_folder(tmp_path: Path) -> None:
    write_new_chart(tmp_path / "c", FILES)
    assert (tmp_path / "c" / "templates" / "b.yaml").read_bytes() == b"b\n"
    assert (tmp_path / "c" / "charts").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]


def test_failure_midway_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Path] = []
    original = Path.write_bytes

    def flaky(self: Path, data: bytes) -> int:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(self)
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", flaky)
    with pytest.raises(WriteError):
        write_new_chart(tmp_path / "c", FILES)
    assert list(tmp_path.iterdir()) == []


def test_failure_with_force_restores_the_old_chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "c"
    target.mkdir()
    (target / "mine.txt").write_text("keep me\n")
    real_rename = write.os.rename
    calls: list[tuple[str, str]] = []

    def failing_second_rename(src: str, dst: str) -> None:
        calls.append((str(src), str(dst)))
        if len(calls) == 2:  # old chart moved aside; moving the new one in fails
            raise OSError(5, "I/O error")
        real_rename(src, dst)

    monkeypatch.setattr(write.os, "rename", failing_second_rename)
    with pytest.raises(WriteError):
        write_new_chart(target, FILES, force=True)
    assert (target / "mine.txt").read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c"]


def test_existing_file_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "c").write_text("x")
    with pytest.raises(TargetExistsError):
        write_new_chart(tmp_path / "c", FILES, force=True)
    assert (tmp_path / "c").read_text() == "x"
