"""Refactoring must not change one byte of any chart: a fleet of 202 varied services
(tests/fleet/services.yaml: every server type, probe style, config source, persistence
and ingress on and off) is generated and each chart's files are hashed against
tests/fleet/hashes.json. After a deliberate template change, `pytest --update-golden`
rewrites the hashes; review the golden chart's diff (tests/golden/) alongside."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from conftest import Run
from mkchart.chart.layout import BASE_FILE

FLEET = Path(__file__).parent / "fleet"
HASHES = FLEET / "hashes.json"


def chart_digests(root: Path) -> dict[str, str]:
    """One sha256 per chart folder, over its files' relative paths and contents (the stored
    base's inflated: another zlib may compress the same files to other bytes)."""
    digests = {}
    for chart in sorted(p for p in root.iterdir() if p.is_dir()):
        digest = hashlib.sha256()
        for path in sorted(p for p in chart.rglob("*") if p.is_file()):
            relative = path.relative_to(chart).as_posix()
            content = path.read_bytes()
            digest.update(relative.encode() + b"\0")
            digest.update(hashlib.sha256(gzip.decompress(content) if relative == BASE_FILE else content).digest())
        digests[chart.name] = digest.hexdigest()
    return digests


def test_the_fleet_renders_byte_for_byte_as_recorded(mkchart: Run, tmp_path: Path, update_golden: bool) -> None:
    out = tmp_path / "fleet"
    result = mkchart("batch", str(FLEET / "services.yaml"), "--output-dir", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    actual = chart_digests(out)
    assert len(actual) >= 200
    if update_golden:
        HASHES.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    expected = json.loads(HASHES.read_text())
    changed = sorted(name for name in expected.keys() | actual.keys() if expected.get(name) != actual.get(name))
    assert not changed, f"{len(changed)} chart(s) differ from tests/fleet/hashes.json, e.g. {changed[:5]}"
