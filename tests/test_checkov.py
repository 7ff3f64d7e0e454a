"""checkov over every server type's rendered defaults (issue 14): nothing fails but the
documented exceptions (docs/policies.md#what-checkov-still-reports).

checkov pins packaging<24, which pytest 9 refuses, so it lives in its own environment:
`python3 -m venv .venv-checkov && .venv-checkov/bin/pip install checkov==3.3.30` (the
README's test command and .ci/run make it), or the checkov named by $MKCHART_CHECKOV."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, MakeChart, own_image, render_objects
from mkchart.answers import profiles

# The exceptions, each with why (the docs say the same):
EXCEPTIONS = {
    "CKV_K8S_15": "image pull policy Always: IfNotPresent with a pinned tag (or a digest) pulls the same image",
    "CKV_K8S_43": "image digest: the tag is pinned; image.digest pins the exact image where a team wants it",
    "CKV_K8S_21": "namespace: Helm sets it at install time (--namespace ENV)",
    "CKV_K8S_40": "UID under 10000: each official image was built for its fixed user (docs/server-types)",
}
# The `helm test` pod runs one check and exits: probes have nothing to watch.
TEST_POD_EXCEPTIONS = {"CKV_K8S_8", "CKV_K8S_9"}
# The two the issue names: no NetworkPolicy, and a Secret as environment variables (mysql).
MUST_PASS = {"CKV2_K8S_6", "CKV_K8S_35"}


def _checkov() -> Path:
    given = os.environ.get("MKCHART_CHECKOV")
    path = Path(given) if given else REPO / ".venv-checkov" / "bin" / "checkov"
    if not path.is_file():
        pytest.fail(f"checkov not found at {path}: python3 -m venv .venv-checkov && "
                    ".venv-checkov/bin/pip install checkov==3.3.30 (the README's test command does it)")
    return path


def test_checkov_fails_nothing_but_the_documented_exceptions(make_chart: MakeChart, tmp_path: Path) -> None:
    rendered = tmp_path / "rendered"
    rendered.mkdir()
    for server_type in sorted(profiles.all_profiles()):
        chart = make_chart(f"book-{server_type}-n1", *own_image(server_type), "ingress.enabled=false")
        objects = render_objects(chart)
        (rendered / f"{server_type}.yaml").write_text(yaml.safe_dump_all(objects))
    result = subprocess.run([str(_checkov()), "-d", str(rendered), "--framework", "kubernetes",
                             "--compact", "--skip-download", "-o", "json"],
                            capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(result.stdout)
    failed = report["results"]["failed_checks"]
    passed = {check["check_id"] for check in report["results"]["passed_checks"]}
    assert passed >= MUST_PASS, f"checkov never passed {MUST_PASS - passed}"
    unexpected = []
    for check in failed:
        test_pod = check["resource"].startswith("Pod.") and check["resource"].endswith("-test")
        if check["check_id"] in EXCEPTIONS or (test_pod and check["check_id"] in TEST_POD_EXCEPTIONS):
            continue
        unexpected.append(f"{check['file_path']}: {check['check_id']} {check['check_name']} on {check['resource']}")
    assert not unexpected, "\n".join(unexpected)
    assert len({check["file_path"] for check in failed}) == len(profiles.all_profiles())  # every type was read
