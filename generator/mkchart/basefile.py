"""The chart's stored base, `.mkchart/base.gz`: every file exactly as mkchart last wrote it.

regen merges three ways: the base (what mkchart wrote last time), yours (the disk) and
mkchart's (today's render). Rendering the recorded answers again gives the base only
while mkchart's templates stay as they were; after an upgrade only a copy of what was
written does, so the chart keeps one. It is a single gzip file: about 9 KB for a 30 KB
chart, one file more per chart rather than twice as many, and out of the way of grep,
YAML linters and Helm (`.helmignore` leaves `.mkchart/` out of the package). Inside it
is plain text, readable with `gzip -dc .mkchart/base.gz`:

    # mkchart base, format 1: ...
    === Chart.yaml 412
    (the file's 412 bytes, then a newline)

It holds what mkchart rendered from the skeleton and the profile, never the user's
config copies (their input) nor `.mkchart.yaml`. Rendered files hold no secret (answers
hold none and the templates only name Secrets), so neither does this file. A file in it
is used only where its sha256 is the one `.mkchart.yaml` records, so a damaged or
hand-made base is never trusted; a missing one only costs the merge its exact base.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from mkchart.chart.layout import BASE_FILE
from mkchart.i18n import t
from mkchart.safeio import INPUT_LIMIT, read_in_chart

HEADER = b"# mkchart base, format 1: each file as mkchart last wrote it; regen merges your edits against it.\n"
_ENTRY = b"=== "
# Level 1 compresses a chart 3 to 1 at a third of the default level's cost (measured:
# 0.2 ms against 0.55 ms a chart, for 10.5 KB against 8.8 KB): batch writes hundreds.
LEVEL = 1
# Far more than any chart (the config copies are not in it), far less than the memory:
# a small file that inflates past this is refused, not inflated.
INFLATED_LIMIT = 8 * INPUT_LIMIT
# gzip's header with no name and no time, so the same files give the same bytes on every
# machine and Python (gzip.compress fills in the OS byte differently across versions).
_GZIP_HEAD = b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + (b"\x04" if LEVEL == 1 else b"\x00") + b"\xff"


class DamagedBaseError(ValueError):
    """The stored base is not one mkchart can read; the message says why."""


def encode(files: Mapping[str, bytes]) -> bytes:
    """The stored base of `files` (chart-relative path -> content), deterministic."""
    parts = [HEADER]
    for path, content in sorted(files.items()):
        if "\n" in path:  # never from mkchart's own render; a header line must stay one line
            raise ValueError(f"a file name with a line break: {path!r}")
        parts += [_ENTRY, path.encode("utf-8"), b" %d\n" % len(content), content, b"\n"]
    text = b"".join(parts)
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(text) + deflate.flush()
    return _GZIP_HEAD + body + struct.pack("<II", zlib.crc32(text), len(text) & 0xFFFFFFFF)


def _inflate(raw: bytes) -> bytes:
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)  # a gzip member, whatever its header holds
    try:
        text = inflate.decompress(raw, INFLATED_LIMIT)
    except zlib.error:
        raise DamagedBaseError(t("r.base.gzip")) from None
    if inflate.unconsumed_tail:
        raise DamagedBaseError(t("r.base.too_big", limit=INFLATED_LIMIT))
    if not inflate.eof or inflate.unused_data:
        raise DamagedBaseError(t("r.base.gzip"))
    return text


def decode(raw: bytes) -> dict[str, bytes]:
    """The files in a stored base; `DamagedBaseError` says why it cannot be read."""
    text = _inflate(raw)
    if not text.startswith(HEADER):
        raise DamagedBaseError(t("r.base.format", at=0))
    files: dict[str, bytes] = {}
    at = len(HEADER)
    while at < len(text):
        end = text.find(b"\n", at)
        line = text[at:end] if end >= 0 else b""
        name, _, size = line[len(_ENTRY):].rpartition(b" ")
        start = end + 1
        stop = start + int(size) if size.isdigit() and len(size) <= 12 else -1
        if not line.startswith(_ENTRY) or not name or stop < 0 or text[stop:stop + 1] != b"\n":
            raise DamagedBaseError(t("r.base.format", at=at))
        path = name.decode("utf-8", "surrogateescape")
        if path in files:
            raise DamagedBaseError(t("r.base.format", at=at))
        files[path] = text[start:stop]
        at = stop + 1
    return files


@dataclass
class Stored:
    """A chart's stored base as found: its bytes (None: there is none)."""

    raw: bytes | None

    @cached_property
    def _decoded(self) -> tuple[dict[str, bytes], str]:
        # Inflated only when needed: a regen that rewrites the base anyway never reads it.
        if self.raw is None:
            return {}, ""
        try:
            return decode(self.raw), ""
        except DamagedBaseError as error:
            return {}, str(error)

    @property
    def files(self) -> dict[str, bytes]:
        """Its files (none when it is missing or damaged)."""
        return self._decoded[0]

    @property
    def damage(self) -> str:
        """Why it could not be read, if it was needed ("" when it could, or was not read:
        a base about to be replaced anyway is never inflated)."""
        return self._decoded[1] if "_decoded" in self.__dict__ else ""


def load(chart: Path) -> Stored:
    """CHART's stored base, read as every file of a chart is (no link, bounded size)."""
    return Stored(read_in_chart(chart, BASE_FILE))
