"""The upgrade path from every released mkchart, with the real release: for each tag `v*`
of this repository, the release's wheel is built from a `git worktree` of the tag and
installed on its own; it writes charts, a person edits them as people do, and this
mkchart regenerates them: every edit kept, no conflict, lint-clean, then up to date.

The release runs with this interpreter and PYTHONPATH pointing at its installed wheel
alone (its dependencies are this environment's), so nothing is fetched at test time; the
wheel is built without build isolation by the hatchling of the test extra.

Slow (a wheel build and a dozen processes per release): `pytest -m "not slow"` leaves it
out; CI's run includes it. A clone without the tags (a shallow one) fails here, loudly:
an upgrade path that is not tested must not pass for one that is.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import (
    OLDEST_AND_NEWEST,
    REPO,
    Run,
    child_env,
    edit_file,
    helm_checked,
    lint_strict,
    one,
    own_image,
    render_objects,
    replicas_edit,
    run_mkchart,
    set_args,
)
from mkchart import yamlio
from mkchart.chart import layout
from mkchart.i18n import t

CHARTS = ("book-tomcat-n1", "book-mysql-m1", "book-redis-n1", "book-zk-n1", "book-nginx-n1", "book-springboot-n1")
ANNOTATION = "        # kept: the team's own annotation\n        team.example.com/owner: books\n"
ADDED_VALUE = "\n# team.contact is who answers for the service (added by hand).\nteam:\n  contact: books@example.com\n"
PDB = """\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .Release.Name | quote }}
  annotations:
    team.example.com/contact: {{ .Values.team.contact | quote }}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name | quote }}
"""
def prod_replicas(name: str) -> int:
    """Production's replicaCount: one server for mysql and redis, an odd ensemble for zookeeper."""
    return 1 if "-mysql-" in name or "-redis-" in name else 5 if "-zk-" in name else 4


def prod_values(name: str) -> str:
    return f"# Production: more replicas.\nreplicaCount: {prod_replicas(name)}\n"


def _git(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(REPO), *map(str, args)], capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


# Each release's sources (what its wheel is built from: `git archive TAG pyproject.toml
# hatch_build.py README.md generator chart-skeleton templates`), kept for a clone that has
# no tags or history (a CI checkout of one branch, a shallow clone): the upgrade path from a
# release is then still tested, from the same files.
ARCHIVES = Path(__file__).parent / "upgrade" / "releases"


def _has_commit(tag: str) -> bool:
    if shutil.which("git") is None:
        return False
    return _git("rev-parse", "--verify", "--quiet", f"{tag}^{{commit}}").returncode == 0


def release_tags() -> list[str]:
    """Every release, oldest first: the repository's tags `v*`, and the releases whose
    sources are kept; [] when there are none to be found."""
    listed = _git("tag", "--list", "v*") if shutil.which("git") is not None else None
    tags = set(listed.stdout.split()) if listed is not None and listed.returncode == 0 else set()
    tags |= {p.name.removesuffix(".tar.gz") for p in ARCHIVES.glob("v*.tar.gz")}
    return sorted(tags, key=lambda tag: tuple(int(part) for part in tag.removeprefix("v").split(".")))


TAGS = release_tags()
NO_TAG = "no-release-tag"


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


def install_release(tag: str, scratch: Path) -> Path:
    """The release's wheel, built from a worktree of `tag` and installed into a folder of
    its own; returns that folder (for PYTHONPATH)."""
    source, wheels, site = scratch / "source", scratch / "wheels", scratch / "site"
    archive = ARCHIVES / f"{tag}.tar.gz"
    if _has_commit(tag):
        added = _git("worktree", "add", "--detach", source, tag)
        assert added.returncode == 0, f"git worktree add {tag} failed: {added.stderr.strip()}"
    else:
        assert archive.is_file(), (
            f"{tag}: neither its commit (a shallow clone lacks it: git fetch --unshallow --tags) nor "
            f"{archive.relative_to(REPO)} is here")
        shutil.unpack_archive(archive, source)
    try:
        _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--quiet",
             "-w", wheels, source)
    finally:
        if _has_commit(tag):
            _git("worktree", "remove", "--force", source)
    (wheel,) = wheels.glob("mkchart-*.whl")
    _run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", "--target", site, wheel)
    return site


def edit_like_a_user(chart: Path) -> None:
    edit_file(chart / layout.DEPLOYMENT, "      annotations:\n", "      annotations:\n" + ANNOTATION)
    edit_file(chart / layout.VALUES_YAML, "replicaCount: 1\n", replicas_edit(chart.name))
    with (chart / layout.VALUES_YAML).open("a") as values:
        values.write(ADDED_VALUE)
    (chart / "templates" / "pdb.yaml").write_text(PDB)
    (chart / "values-prod.yaml").write_text(prod_values(chart.name))


def assert_edits_kept(chart: Path) -> None:
    values = (chart / layout.VALUES_YAML).read_text()
    assert replicas_edit(chart.name) in values and ADDED_VALUE in values, \
        f"{chart.name}: values.yaml lost an edit:\n{values}"
    assert ANNOTATION in (chart / layout.DEPLOYMENT).read_text(), f"{chart.name}: the annotation is gone"
    assert (chart / "templates" / "pdb.yaml").read_text() == PDB
    assert (chart / "values-prod.yaml").read_text() == prod_values(chart.name)
    for path in sorted(chart.rglob("*")):
        if path.is_file() and path.suffix != ".gz":
            assert "<<<<<<<" not in path.read_text(), f"conflict markers in {path}"


@pytest.mark.slow
@pytest.mark.parametrize("tag", TAGS or [NO_TAG])
def test_charts_from_a_release_keep_every_edit_through_regen(tag: str, mkchart: Run, tmp_path: Path) -> None:
    if tag == NO_TAG:
        pytest.fail(f"no release tag (v*) in {REPO}: the upgrade path from the releases cannot be tested. "
                    "A clone made without tags, or a shallow one, lacks them: git fetch --tags (with --unshallow "
                    "in a shallow clone)")
    version = tag.removeprefix("v")
    site = install_release(tag, tmp_path / "release")
    released = child_env(PYTHONPATH=str(site))
    # The release itself runs, not this checkout's code.
    where = subprocess.run([sys.executable, "-c", "import mkchart; print(mkchart.__file__, mkchart.__version__)"],
                           cwd=tmp_path, env=released, capture_output=True, text=True, timeout=60)
    assert where.stdout.split() == [str(site / "mkchart" / "__init__.py"), version], where

    charts = tmp_path / "charts"
    for name in CHARTS:
        # springboot runs the user's own image (later releases require one; 0.1.0 takes it).
        image = own_image("springboot") if "-springboot-" in name else ()
        made = run_mkchart("new", name, "--no-input", "-o", str(charts), *set_args(*image), cwd=tmp_path,
                           env=released)
        assert made.returncode == 0, f"mkchart {version} new {name}: {made.stdout}\n{made.stderr}"
        record = yamlio.read_mapping(charts / name / layout.ANSWERS_FILE)
        assert record["mkchart"]["version"] == version, "the chart must come from the release"
        edit_like_a_user(charts / name)
    had_base = {name: (charts / name / layout.BASE_FILE).is_file() for name in CHARTS}

    result = mkchart("regen", *(str(charts / name) for name in CHARTS))
    assert result.exit_code == 0, result.output
    assert "conflict" not in result.stdout and "unresolved" not in result.stdout, result.stdout
    for name in CHARTS:
        chart = charts / name
        assert_edits_kept(chart)
        assert (chart / layout.BASE_FILE).is_file(), "the chart keeps its base from now on"
        # Where the release kept no base, regen rebuilt it from that release's templates, and said so once.
        rebuilt = t("r.base.release", chart=name, version=version, base=layout.BASE_FILE)
        assert result.stderr.count(rebuilt) == (0 if had_base[name] else 1), result.stderr
        assert "no exact base" not in result.output
        objects = helm_checked(chart, OLDEST_AND_NEWEST)
        deployment = one(objects, "Deployment")
        assert deployment["spec"]["replicas"] == int(replicas_edit(name).split()[1])
        assert deployment["spec"]["template"]["metadata"]["annotations"]["team.example.com/owner"] == "books"
        pdb = one(objects, "PodDisruptionBudget")
        assert pdb["metadata"]["annotations"]["team.example.com/contact"] == "books@example.com"
        prod = yamlio.read_mapping(chart / "values-prod.yaml")
        lint_strict(chart, prod)
        assert one(render_objects(chart, prod), "Deployment")["spec"]["replicas"] == prod_replicas(name)

    checked = mkchart("regen", "--check", *(str(charts / name) for name in CHARTS))
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("archive", sorted(ARCHIVES.glob("v*.tar.gz")), ids=lambda p: p.name)
def test_a_kept_release_archive_is_the_tagged_release(archive: Path, tmp_path: Path) -> None:
    """The sources kept for clones without history are exactly the tag's (where the tag is here)."""
    tag = archive.name.removesuffix(".tar.gz")
    if not _has_commit(tag):
        # A clone without the release's history (a CI checkout of one branch) has nothing to
        # compare with; a clone with the tag, where a release is made, checks it.
        return
    kept, tagged = tmp_path / "kept", tmp_path / "tagged"
    shutil.unpack_archive(archive, kept)
    made = tmp_path / "made.tar"
    _run("git", "-C", REPO, "archive", "--format=tar", "-o", made, tag, "pyproject.toml", "hatch_build.py", "README.md",
         "generator", "chart-skeleton", "templates")
    shutil.unpack_archive(made, tagged)
    files = sorted(p.relative_to(kept) for p in kept.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tagged) for p in tagged.rglob("*") if p.is_file())
    assert all((kept / f).read_bytes() == (tagged / f).read_bytes() for f in files)
