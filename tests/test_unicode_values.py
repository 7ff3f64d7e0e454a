"""Characters beyond the Basic Multilingual Plane (an emoji, CJK Extension B such as
U+20BB7) reach the rendered objects byte for byte (issue 9, item 12): values.yaml writes
them as YAML escapes (`\\U0001f600`), never as the JSON surrogate pairs Helm refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import (
    REPO,
    MakeChart,
    assert_api_server_rules,
    by_kind,
    lint_strict,
    one,
    pod_spec,
    render_objects,
    validate_objects,
)
from mkchart import yamlio
from mkchart.chart import layout

NAME = "book-tomcat-n1"
EMOJI, CJK = "\U0001f600", "\U00020bb7"


def chart_from(make_chart: MakeChart, tmp_path: Path, tree: dict[str, Any], name: str = NAME) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yamlio.dump_plain(tree), encoding="utf-8")
    return make_chart(name, answers=path)


def container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = pod_spec(objects)["containers"]
    return containers[0]


def test_http_paths_env_args_ingress_and_mounts(make_chart: MakeChart, tmp_path: Path) -> None:
    (tmp_path / "app.conf").write_text(f"greeting={EMOJI}\n", encoding="utf-8")
    chart = chart_from(make_chart, tmp_path, {
        "config": {"env": {"GREETING": f"hi {EMOJI}{CJK}"}, "args": [f"--name={CJK}"], "files": ["app.conf"],
                   "mountPath": f"/etc/{EMOJI}"},
        "probe": {"livenessPath": f"/live/{EMOJI}", "readinessPath": f"/ready/{CJK}"},
        "ingress": {"enabled": True, "path": f"/{EMOJI}{CJK}"},
        "persistence": {"mountPath": f"/data/{CJK}"},
    })
    values = (chart / layout.VALUES_YAML).read_text(encoding="utf-8")
    assert "\\U0001f600" in values and "\\U00020bb7" in values and "\\ud83d" not in values
    lint_strict(chart)
    objects = render_objects(chart)
    validate_objects(objects, ("1.29", "1.37"))
    assert_api_server_rules(objects)
    main = container(objects)
    assert main["livenessProbe"]["httpGet"]["path"] == f"/live/{EMOJI}"
    assert main["readinessProbe"]["httpGet"]["path"] == f"/ready/{CJK}"
    mounts = {m["name"]: m["mountPath"] for m in main["volumeMounts"]}
    assert mounts["data"] == f"/data/{CJK}"
    assert {"name": "config-files", "mountPath": f"/etc/{EMOJI}/app.conf", "subPath": "app.conf",
            "readOnly": True} in main["volumeMounts"]
    env = next(o["data"] for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-env"))
    assert env["GREETING"] == f"hi {EMOJI}{CJK}" and env["arg-0"] == f"--name={CJK}"
    files = next(o["data"] for o in by_kind(objects, "ConfigMap") if o["metadata"]["name"].endswith("-files"))
    assert files["app.conf"] == f"greeting={EMOJI}\n"
    rule = one(objects, "Ingress")["spec"]["rules"][0]
    assert rule["http"]["paths"][0]["path"] == f"/{EMOJI}{CJK}"


def test_an_exec_probe_command(make_chart: MakeChart, tmp_path: Path) -> None:
    command = ["sh", "-c", f"echo {EMOJI}{CJK}"]
    chart = chart_from(make_chart, tmp_path, {"probe": {"style": "exec", "command": command}})
    lint_strict(chart)
    main = container(render_objects(chart))
    assert main["livenessProbe"]["exec"]["command"] == command
    assert main["readinessProbe"]["exec"]["command"] == command


def test_plain_cookiecutter_writes_the_same_escapes(make_chart: MakeChart, tmp_path: Path) -> None:
    # The escaping lives in the template's own extension (chart-skeleton/local_extensions.py),
    # which cookiecutter loads too: both tools still write the same chart.
    changes = {"config": {"env": {"GREETING": f"hi {EMOJI}{CJK}"}}, "probe": {"livenessPath": f"/live/{EMOJI}"}}
    chart = chart_from(make_chart, tmp_path, changes)
    script = (
        "import sys, json; from cookiecutter.main import cookiecutter; "
        "cookiecutter(sys.argv[1], no_input=True, output_dir=sys.argv[2], extra_context=json.loads(sys.argv[3]))"
    )
    subprocess.run([sys.executable, "-c", script, str(REPO / "chart-skeleton"), str(tmp_path / "cc"),
                    json.dumps({"chart": changes})], check=True, capture_output=True)
    theirs = (tmp_path / "cc" / NAME / layout.VALUES_YAML).read_text(encoding="utf-8")
    assert "\\U0001f600" in theirs and "\\ud83d" not in theirs
    assert theirs == (chart / layout.VALUES_YAML).read_text(encoding="utf-8")
