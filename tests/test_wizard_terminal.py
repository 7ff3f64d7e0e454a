"""The interactive session through a real pseudo-terminal (pexpect), and the runs without one.

Each child is the real `python -m mkchart` with TERM=dumb and NO_COLOR, no CI variable and
an 80-column terminal, started as a person's shell starts it (Ctrl-C's default action);
every wait has a short timeout, so a hang fails instead of blocking. The sessions through
a pseudo-terminal are marked slow (`pytest -m "not slow"` leaves them out).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pexpect
import pytest

from conftest import OLDEST_AND_NEWEST, MakeChart, by_kind, child_env, helm_checked, one, run_mkchart, snapshot
from mkchart import yamlio
from mkchart.chart import layout
from mkchart.errors import ExitCode

TIMEOUT = 30  # generous for a loaded CI machine; a hang still fails
PROMPT = r"\]: $|: $"  # every question ends its line with ": ", after a [default] when there is one
CONFIRM = "Write the chart? [y]: "


def _env(**extra: str) -> dict[str, str]:
    return child_env(TERM="dumb", NO_COLOR="1", COLUMNS="80", PYTHONIOENCODING="utf-8", **extra)


def _as_a_shell_starts_it() -> None:
    """In the child, before it runs mkchart: Ctrl-C (and Ctrl-\\) back to their default action.

    An ignored signal stays ignored across fork and exec, and Python installs its
    KeyboardInterrupt handler only over the default action, never over an inherited
    SIG_IGN. A shell without job control starts background commands (`pytest ... &`, a
    script's or CI step's `&`) with SIGINT and SIGQUIT ignored: a child spawned from such a
    pytest ignored the Ctrl-C sent to it; the terminal echoed ^C and the test waited out
    its timeout. A person's interactive shell starts mkchart with the default action.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def spawn(cwd: Path, *args: str, **env: str) -> pexpect.spawn:
    return pexpect.spawn(sys.executable, ["-m", "mkchart", "new", *args], cwd=str(cwd), env=_env(**env),
                         encoding="utf-8", timeout=TIMEOUT, dimensions=(24, 80), preexec_fn=_as_a_shell_starts_it)


@contextmanager
def _ignoring_sigint() -> Iterator[None]:
    """This process ignores SIGINT for a while, as a background `pytest &` does all along."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def catches_sigint(pid: int) -> bool:
    """Whether the process has a handler for SIGINT (Linux /proc; elsewhere assumed)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return True
    caught = next(line.split()[1] for line in status.read_text().splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught, 16) & (1 << (signal.SIGINT - 1)))


def answer(child: pexpect.spawn, question: str, text: str) -> str:
    """Press Enter at other questions up to `question`, then type `text`; returns what
    was shown since the previous answer."""
    before = reach(child, question)
    child.sendline(text)
    return before


def reach(child: pexpect.spawn, question: str) -> str:
    """Press Enter at other questions until `question` is asked."""
    while child.expect([re.escape(question) + r".*?: $", PROMPT]) == 1:
        child.sendline("")
    return child.before


def accept_all(child: pexpect.spawn, confirm: str = CONFIRM) -> str:
    """Press Enter at every question up to and including the confirmation."""
    seen = ""
    while True:
        child.expect([PROMPT])
        seen += child.before + child.after
        child.sendline("")
        if seen.endswith(confirm):
            return seen


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.slow
def test_every_default_gives_the_no_input_chart(tmp_path: Path, make_chart: MakeChart) -> None:
    work = tmp_path / "tty"
    work.mkdir()
    child = spawn(work, "book-tomcat-n1")
    shown = accept_all(child)
    assert "Server type [tomcat]: " in shown and "Container port [8080]: " in shown
    assert "1) http" in shown and "/healthz" in shown and "cat /tmp/health" in shown
    tail = finish(child)
    assert child.exitstatus == 0, tail
    assert "helm upgrade --install book-tomcat-n1 ./book-tomcat-n1" in tail and "--namespace prod" in tail
    assert [line for line in (shown + tail).splitlines() if len(line) > 80] == []
    assert snapshot(work / "book-tomcat-n1") == snapshot(make_chart("book-tomcat-n1"))


@pytest.mark.slow
def test_a_custom_session_makes_that_chart(tmp_path: Path) -> None:
    (tmp_path / "redis.conf").write_text("maxmemory 256mb\n")
    child = spawn(tmp_path)  # no NAME: the name is the first question
    answer(child, "Service name", "shop-redis-n2")
    answer(child, "Business (product) name [shop]", "")
    answer(child, "Server type [redis]", "tomcat")
    # Two pods with a claim each: a StatefulSet (a Deployment's pods would share one claim).
    answer(child, "Workload [deployment]", "2")
    answer(child, "Instance id [n2]", "")
    # The server type just chosen sets the defaults that follow.
    answer(child, "Image repository (no tag) [tomcat]", "harbor.example.com/shop/tomcat")
    answer(child, "Image tag (a pinned version, not latest) [9.0.85-jre17]", "9.0.85-shop.3")
    answer(child, "Container port [8080]", "")
    answer(child, "Health check style [http]", "2")  # by number
    answer(child, "TCP port to check", "")
    answer(child, "Config sources", "files, env")
    answer(child, "Environment values", "JAVA_OPTS=-Xmx512m,DB_HOST=book-mysql-m1")
    answer(child, "Config files", "redis.conf")
    answer(child, "Folder for config files in the container [/usr/local/tomcat/conf]", "/etc/shop")
    answer(child, "Keep data on a persistent volume (PVC)? [n]", "y")
    answer(child, "Volume size [1Gi]", "20Gi")
    answer(child, "Storage class", "glusterfs")
    answer(child, "Data folder in the container [/data]", "/var/lib/shop")
    answer(child, "Expose through an Ingress? [n]", "yes")
    answer(child, "Ingress host", "shop.example.com")
    answer(child, "TLS secret name", "shop-tls")
    answer(child, "Time zone [Asia/Shanghai]", "UTC")
    answer(child, "Replicas (pods) [1]", "2")
    for _ in range(4):  # requests and limits keep the profile's values
        child.expect(PROMPT)
        child.sendline("")
    summary = answer(child, "Write the chart?", "")
    assert "probe.style" in summary and "tcp" in summary and "persistence.size" in summary
    assert "files/config/redis.conf" in summary
    tail = finish(child)
    assert child.exitstatus == 0, tail

    _check_custom_chart(tmp_path / "shop-redis-n2")


def _check_custom_chart(chart: Path) -> None:
    """The chart of the custom session holds every answer typed."""
    objects = helm_checked(chart, OLDEST_AND_NEWEST)
    statefulset = one(objects, "StatefulSet")
    assert statefulset["spec"]["replicas"] == 2
    container = statefulset["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "harbor.example.com/shop/tomcat:9.0.85-shop.3"
    assert container["livenessProbe"]["tcpSocket"] == {"port": "http"}
    assert {"name": "TZ", "value": "UTC"} in container["env"]
    maps = {o["metadata"]["name"]: o["data"] for o in by_kind(objects, "ConfigMap")}
    assert maps["shop-redis-n2-files"]["redis.conf"] == "maxmemory 256mb\n"
    assert "server.xml" in maps["shop-redis-n2-files"], "tomcat's own config files come too"
    assert maps["shop-redis-n2-env"] == {"JAVA_OPTS": "-Xmx512m", "DB_HOST": "book-mysql-m1"}
    assert "/etc/shop/redis.conf" in {m["mountPath"] for m in container["volumeMounts"]}
    (template,) = statefulset["spec"]["volumeClaimTemplates"]
    claim = template["spec"]
    assert claim["storageClassName"] == "glusterfs" and claim["resources"]["requests"]["storage"] == "20Gi"
    ingress = one(objects, "Ingress")["spec"]
    assert ingress["rules"][0]["host"] == "shop.example.com"
    assert ingress["tls"] == [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]
    assert (chart / layout.ANSWERS_FILE).is_file()


@pytest.mark.slow
def test_a_bad_answer_is_explained_and_asked_again(tmp_path: Path) -> None:
    child = spawn(tmp_path, "book-tomcat-n1")
    answer(child, "Server type [tomcat]", "cobol")
    child.expect("choose a number from 1 to 9 or one of: ")
    answer(child, "Server type [tomcat]", "7")
    answer(child, "Image tag (a pinned version, not latest) [9.0.85-jre17]", "latest")
    child.expect(r"image\.tag: 'latest' is not allowed")
    answer(child, "Image tag (a pinned version, not latest) [9.0.85-jre17]", "9.0.85")
    answer(child, "Container port [8080]", "70000")
    child.expect("port: must be a port number from 1 to 65535")
    answer(child, "Container port [8080]", "abc")
    child.expect("port: must be a whole number")
    answer(child, "Container port [8080]", "8081")
    shown = accept_all(child)
    assert "8081" in shown
    finish(child)
    assert child.exitstatus == 0
    recorded = yamlio.read_mapping(tmp_path / "book-tomcat-n1" / layout.ANSWERS_FILE)
    assert recorded["answers"]["image"]["tag"] == "9.0.85"


@pytest.mark.slow
@pytest.mark.parametrize("leave", ["ctrl-c", "eof"])
def test_leaving_in_the_middle_writes_nothing(tmp_path: Path, leave: str) -> None:
    # Spawned as from a background `pytest &` every time, so the run does not depend on how
    # pytest itself was started (see _as_a_shell_starts_it).
    with _ignoring_sigint():
        child = spawn(tmp_path, "book-tomcat-n1")
    reach(child, "Container port [8080]")
    if leave == "ctrl-c":
        assert catches_sigint(child.pid), "the child ignores SIGINT: Ctrl-C would only echo ^C"
        child.sendintr()
    else:
        child.sendeof()
    tail = finish(child)
    assert "interrupted; nothing was written" in tail
    assert "Traceback" not in tail
    assert child.exitstatus == ExitCode.INTERRUPTED
    assert leftovers(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("how", [("--lang", "zh"), ("LANG", "zh_CN.UTF-8")])
def test_the_chinese_session(tmp_path: Path, how: tuple[str, str]) -> None:
    flag, value = how
    child = spawn(tmp_path, "book-tomcat-n1", *((flag, value) if flag == "--lang" else ()),
                  **({flag: value} if flag != "--lang" else {}))
    shown = accept_all(child, confirm="生成 chart？ [y]: ")
    assert "服务类型 [tomcat]: " in shown and "健康检查方式" in shown and "汇总" in shown
    tail = finish(child)
    assert child.exitstatus == 0, tail
    assert "已生成 chart book-tomcat-n1" in tail
    assert (tmp_path / "book-tomcat-n1" / layout.CHART_YAML).is_file()


# --- never a prompt without a person -------------------------------------------------------------


def _run_without_terminal(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_mkchart("new", *args, cwd=cwd, env=_env(**env), timeout=TIMEOUT)


def test_no_terminal_and_no_name_is_the_listed_error_at_once(tmp_path: Path) -> None:
    result = _run_without_terminal(tmp_path)
    assert result.returncode == ExitCode.BAD_INPUT
    assert "missing answers: name" in result.stderr
    assert "NAME" in result.stderr and "--answers" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert leftovers(tmp_path) == []


def test_no_terminal_lists_every_missing_answer(tmp_path: Path) -> None:
    result = _run_without_terminal(tmp_path, "book-worker-n1")
    assert result.returncode == ExitCode.BAD_INPUT
    assert "missing answers: image.repository, image.tag" in result.stderr
    assert "--set image.repository=... --set image.tag=..." in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("how", ["CI", "--no-input"])
def test_a_terminal_with_ci_or_no_input_never_prompts(tmp_path: Path, how: str) -> None:
    child = spawn(tmp_path, "book-worker-n1", *(["--no-input"] if how == "--no-input" else []),
                  **({"CI": "true"} if how == "CI" else {}))
    tail = finish(child)
    assert child.exitstatus == ExitCode.BAD_INPUT
    assert "missing answers: image.repository, image.tag" in tail


@pytest.mark.slow
def test_a_type_that_runs_your_image_asks_for_it_and_warnings_come_before_the_last_word(tmp_path: Path) -> None:
    child = spawn(tmp_path, "book-springboot-n1")
    shown = reach(child, "Image repository")
    # The pointed question: which image, built from what, and why the base alone will not do.
    assert "springboot runs your own image" in shown and "built FROM eclipse-temurin:17-jre" in shown
    child.sendline("eclipse-temurin")  # the base image itself, as a newcomer might
    answer(child, "Image tag", "17.0.10_7-jre")
    seen = accept_all(child)
    # The warning is said before the confirmation, wrapped to the terminal.
    assert "eclipse-temurin is the base image of springboot" in " ".join(seen.split())
    assert all(len(line) <= 80 for line in seen.splitlines())
    finish(child)
    assert (tmp_path / "book-springboot-n1" / layout.VALUES_YAML).is_file()
