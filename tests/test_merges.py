"""The two merges regen relies on to keep a user's edits: the line merge
(mkchart.regen.textmerge) and the structural values.yaml merge
(mkchart.regen.valuesmerge), as tables of cases and as properties (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mkchart.regen.textmerge import (
    OURS_MARK,
    SPLIT_MARK,
    THEIRS_MARK,
    Merged,
    conflict_lines,
    has_markers,
    merge2,
    merge3,
)
from mkchart.regen.valuesmerge import merge_values


def lines(*items: str) -> str:
    """A text of whole lines."""
    return "".join(f"{item}\n" for item in items)


def conflict(ours: list[str], theirs: list[str]) -> str:
    """A conflict block as merge3 and merge2 write it."""
    return lines(OURS_MARK, *ours, SPLIT_MARK, *theirs, THEIRS_MARK)


def marker_count(text: str) -> int:
    return sum(1 for line in text.splitlines() if line == OURS_MARK)


# --- textmerge.merge3: three-way, line by line --------------------------------------------------

BASE = lines("one", "two", "three", "four", "five")

MERGE3_CASES = {
    "user edit kept": (BASE, BASE.replace("three", "THREE"), BASE, BASE.replace("three", "THREE"), 0),
    "mkchart change taken": (BASE, BASE, BASE.replace("three", "3"), BASE.replace("three", "3"), 0),
    "both made the same change": (BASE, BASE.replace("two", "2"), BASE.replace("two", "2"),
                                  BASE.replace("two", "2"), 0),
    "changes on different lines both kept": (
        BASE, BASE.replace("one", "ONE"), BASE.replace("five", "5"), lines("ONE", "two", "three", "four", "5"), 0),
    "both changed one line differently": (
        BASE, BASE.replace("three", "mine"), BASE.replace("three", "theirs"),
        lines("one", "two") + conflict(["mine"], ["theirs"]) + lines("four", "five"), 1),
    "two separate conflicts counted": (
        BASE, lines("ONE", "two", "three", "four", "FIVE"), lines("1", "two", "three", "four", "5"),
        conflict(["ONE"], ["1"]) + lines("two", "three", "four") + conflict(["FIVE"], ["5"]), 2),
    "first line edited by the user, a line added at the end by mkchart": (
        BASE, BASE.replace("one", "uno"), BASE + "six\n", lines("uno", "two", "three", "four", "five", "six"), 0),
    "last line edited by mkchart, a line added at the top by the user": (
        BASE, "zero\n" + BASE, BASE.replace("five", "5"), lines("zero", "one", "two", "three", "four", "5"), 0),
    "both changed the first line": (
        BASE, BASE.replace("one", "mine"), BASE.replace("one", "theirs"),
        conflict(["mine"], ["theirs"]) + lines("two", "three", "four", "five"), 1),
    "both changed the last line": (
        BASE, BASE.replace("five", "mine"), BASE.replace("five", "theirs"),
        lines("one", "two", "three", "four") + conflict(["mine"], ["theirs"]), 1),
    "a line mkchart removed goes": (BASE, BASE, BASE.replace("three\n", ""), lines("one", "two", "four", "five"), 0),
    "a line the user removed stays gone": (
        BASE, BASE.replace("four\n", ""), BASE, lines("one", "two", "three", "five"), 0),
    "user removed a line mkchart changed": (
        BASE, BASE.replace("three\n", ""), BASE.replace("three", "3"),
        lines("one", "two") + conflict([], ["3"]) + lines("four", "five"), 1),
    "no final newline, edit kept": ("a\nb", "a\nB", "a\nb", "a\nB", 0),
    "no final newline, mkchart change taken": ("a\nb", "a\nb", "a\nc", "a\nc", 0),
    "no final newline on both sides of a conflict: markers stay on their own lines": (
        "a\nb", "a\nmine", "a\ntheirs", "a\n" + conflict(["mine"], ["theirs"]), 1),
    "the user added the final newline": ("a\nb", "a\nb\n", "a\nb", "a\nb\n", 0),
    "everything new on both sides": ("", "mine\n", "theirs\n", conflict(["mine"], ["theirs"]), 1),
    "CRLF lines kept as they are": (
        "a\r\nb\r\nc\r\n", "A\r\nb\r\nc\r\n", "a\r\nb\r\nC\r\n", "A\r\nb\r\nC\r\n", 0),
    "changes on adjacent lines conflict (as in git)": (
        lines("a", "b"), lines("A", "b"), lines("a", "B"), conflict(["A", "b"], ["a", "B"]), 1),
}


@pytest.mark.parametrize(("base", "ours", "theirs", "expected", "conflicts"), MERGE3_CASES.values(),
                         ids=MERGE3_CASES.keys())
def test_merge3(base: str, ours: str, theirs: str, expected: str, conflicts: int) -> None:
    merged = merge3(base, ours, theirs)
    assert merged.text == expected
    assert merged.conflicts == conflicts == marker_count(merged.text)
    assert has_markers(merged.text) is bool(conflicts)


# --- textmerge.merge2: no base, so every difference is a conflict -------------------------------

MERGE2_CASES = {
    "the same text": (BASE, BASE, BASE, 0),
    "one line differs": (BASE, BASE.replace("three", "3"), lines("one", "two") + conflict(["three"], ["3"])
                         + lines("four", "five"), 1),
    "a line only the user has": (lines("a", "mine", "b"), lines("a", "b"), lines("a") + conflict(["mine"], [])
                                 + lines("b"), 1),
    "a line only mkchart has": (lines("a", "b"), lines("a", "new", "b"), lines("a") + conflict([], ["new"])
                                + lines("b"), 1),
    "differences at both ends": (lines("x", "same", "y"), lines("X", "same", "Y"),
                                 conflict(["x"], ["X"]) + lines("same") + conflict(["y"], ["Y"]), 2),
    "no final newline": ("a\nb", "a\nc", "a\n" + conflict(["b"], ["c"]), 1),
}


@pytest.mark.parametrize(("ours", "theirs", "expected", "conflicts"), MERGE2_CASES.values(), ids=MERGE2_CASES.keys())
def test_merge2(ours: str, theirs: str, expected: str, conflicts: int) -> None:
    merged = merge2(ours, theirs)
    assert merged.text == expected
    assert merged.conflicts == conflicts == marker_count(merged.text)


# --- has_markers and conflict_lines -------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (conflict(["a"], ["b"]), True),
    ("before\n<<<<<<< yours\n", True),
    ("<<<<<<< yours\r\nmine\r\n", True),  # a file with Windows line ends
    ("x\n<<<<<<< yours", True),  # the last line, without its newline
    ("", False),
    ("<<<<<<< HEAD\n", False),  # git's marker: not one regen wrote
    ("  <<<<<<< yours\n", False),  # indented: text, not a marker
    ("<<<<<<< yours and more\n", False),
    ("# <<<<<<< yours\n", False),
    ("=======\n>>>>>>> mkchart\n", False),  # only the start of a block counts
])
def test_has_markers(text: str, expected: bool) -> None:
    assert has_markers(text) is expected


@pytest.mark.parametrize(("ours", "theirs", "expected"), [
    (["a\n"], ["b\n"], [OURS_MARK + "\n", "a\n", SPLIT_MARK + "\n", "b\n", THEIRS_MARK + "\n"]),
    (["a\n", "b"], ["c"], [OURS_MARK + "\n", "a\n", "b\n", SPLIT_MARK + "\n", "c\n", THEIRS_MARK + "\n"]),
    ([], [], [OURS_MARK + "\n", SPLIT_MARK + "\n", THEIRS_MARK + "\n"]),
    ([], ["new\n"], [OURS_MARK + "\n", SPLIT_MARK + "\n", "new\n", THEIRS_MARK + "\n"]),
])
def test_conflict_lines(ours: list[str], theirs: list[str], expected: list[str]) -> None:
    assert conflict_lines(ours, theirs) == expected


def test_conflict_lines_leaves_its_arguments_alone() -> None:
    ours, theirs = ["a\n", "b"], ["c"]
    conflict_lines(ours, theirs)
    assert (ours, theirs) == (["a\n", "b"], ["c"])


# --- merge3 properties --------------------------------------------------------------------------

# Few distinct lines, so that equal lines (the hard case for a diff) are common; with and
# without a final newline, with CRLF.
TEXTS = st.text(alphabet="ab\n", max_size=40) | st.lists(
    st.sampled_from(["a\n", "b\n", "c\n", "\n", "a\r\n", "x: 1\n", "  - y\n"]), max_size=12).map("".join)


@settings(max_examples=500)
@given(base=TEXTS, other=TEXTS)
def test_merge3_when_only_one_side_changed_or_both_the_same(base: str, other: str) -> None:
    assert merge3(base, base, other) == Merged(other, 0), "an unedited file becomes the new render"
    assert merge3(base, other, base) == Merged(other, 0), "an unchanged render keeps every edit"
    assert merge3(base, other, other) == Merged(other, 0), "the same change on both sides is no conflict"


@settings(max_examples=300)
@given(base=TEXTS, ours=TEXTS, theirs=TEXTS)
def test_every_conflict_is_counted_and_marked(base: str, ours: str, theirs: str) -> None:
    merged = merge3(base, ours, theirs)
    assert merged.conflicts == marker_count(merged.text)
    assert has_markers(merged.text) is (merged.conflicts > 0)
    if merged.conflicts == 0:
        assert merged.text in (ours, theirs) or (ours != base and theirs != base)


@st.composite
def edited_pair(draw: st.DrawFn) -> tuple[list[str], dict[int, str], dict[int, str]]:
    """Unique base lines, and what each side does to some of them, by position: "replace",
    "delete" or "insert" (a line after it)."""
    size = draw(st.integers(1, 12))
    base = [f"b{i}\n" for i in range(size)]
    actions = st.sampled_from(["keep", "keep", "replace", "delete", "insert"])
    ours = {i: a for i in range(size) if (a := draw(actions)) != "keep"}
    theirs = {i: a for i in range(size) if (a := draw(actions)) != "keep"}
    return base, ours, theirs


def _apply(base: list[str], *sides: tuple[str, dict[int, str]]) -> list[str]:
    """`base` with each side's edits ("o" or "t", by position; the first side's edit wins)."""
    out = []
    for i, line in enumerate(base):
        side, action = next(((name, edits[i]) for name, edits in sides if i in edits), ("", "keep"))
        if action == "keep":
            out.append(line)
        elif action == "replace":
            out.append(f"{side}{i}\n")
        elif action == "insert":
            out += [line, f"{side}+{i}\n"]
    return out


@settings(max_examples=400)
@given(case=edited_pair())
def test_without_conflicts_every_one_sided_change_is_applied(
        case: tuple[list[str], dict[int, str], dict[int, str]]) -> None:
    base, ours_edits, theirs_edits = case
    ours, theirs = _apply(base, ("o", ours_edits)), _apply(base, ("t", theirs_edits))
    merged = merge3("".join(base), "".join(ours), "".join(theirs))
    result = merged.text.splitlines(keepends=True)
    apart = all(abs(i - j) > 1 for i in ours_edits for j in theirs_edits)
    if apart:
        # Edits at least one unchanged line apart never conflict, and give both edits.
        assert merged.conflicts == 0, merged.text
        assert result == _apply(base, ("o", ours_edits), ("t", theirs_edits)), merged.text
    if merged.conflicts == 0:
        for edits, side in ((ours_edits, "o"), (theirs_edits, "t")):
            other = theirs_edits if side == "o" else ours_edits
            for i, action in edits.items():
                if i in other:
                    continue
                if action == "replace":
                    assert f"{side}{i}\n" in result and base[i] not in result
                elif action == "delete":
                    assert base[i] not in result
                else:
                    assert f"{side}+{i}\n" in result and base[i] in result
        untouched = [line for i, line in enumerate(base) if i not in ours_edits and i not in theirs_edits]
        assert [line for line in result if line in untouched] == untouched


# --- valuesmerge.merge_values: by key, comments and all -----------------------------------------

VALUES = """\
# Default values for app, generated by mkchart.
# Edits made here by hand are kept.

# replicaCount is the number of pods.
replicaCount: 1
# image is the container image.
image:
  # image.repository is the image without its tag.
  repository: "tomcat"
  # image.tag is a pinned version.
  tag: "9.0.85"
  # image.pullPolicy is IfNotPresent, Always or Never.
  pullPolicy: IfNotPresent

# service is the Service in front of the pods.
service:
  # service.port is the Service's port.
  port: 80
# livenessProbe restarts a stuck container (http check).
livenessProbe:
  httpGet:
    path: /healthz
    port: http
# timezone of the container.
timezone: Asia/Shanghai
"""


def edit(text: str, *pairs: tuple[str, str]) -> str:
    """`text` with each (old, new) replaced once; an old that is not there fails the test."""
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def merged_values(base: str, ours: str, theirs: str) -> tuple[str, int]:
    merged = merge_values(base, ours, theirs)
    assert merged is not None, "the structural merge gave up"
    if merged.conflicts == 0:
        assert isinstance(yaml.safe_load(merged.text), dict)
    assert merged.conflicts == marker_count(merged.text)
    return merged.text, merged.conflicts


# One edit by the user, one by mkchart, in different places: the merge is both edits.
BOTH_EDITS = {
    "a user-changed value stays with its comment": (
        ("replicaCount: 1", "replicaCount: 3  # three for the launch"), ('tag: "9.0.85"', 'tag: "9.0.86"')),
    "an owned value follows and keeps the user's end-of-line comment": (
        ('tag: "9.0.85"', 'tag: "9.0.85"  # pinned by ops'), ('tag: "9.0.85"', 'tag: "9.0.86"')),
    "a user-added key stays": (
        ("  port: 80\n", "  port: 80\n  # nodePort for the lab\n  nodePort: 30080\n"), ("port: 80\n", "port: 8080\n")),
    "a key the user added at the end stays there": (
        ("timezone: Asia/Shanghai\n", "timezone: Asia/Shanghai\n\n# extraEnv is ours.\nextraEnv:\n  - name: A\n"),
        ("timezone: Asia/Shanghai", "timezone: UTC")),
    "a leading comment follows mkchart": (
        ("replicaCount: 1", "replicaCount: 2"), ("(http check)", "(tcp check)")),
    "a key mkchart added lands after its sibling": (
        ("replicaCount: 1", "replicaCount: 2"),
        ('  tag: "9.0.85"\n', '  tag: "9.0.85"\n  # image.digest pins the build.\n  digest: sha256:ab\n')),
    "a top-level key mkchart added lands after its sibling, blank line and all": (
        ("  port: 80", "  port: 81"),
        ("  pullPolicy: IfNotPresent\n",
         "  pullPolicy: IfNotPresent\n\n# nodeSelector picks nodes.\nnodeSelector: {}\n")),
    "the preamble follows mkchart": (
        ("replicaCount: 1", "replicaCount: 2"), ("generated by mkchart.", "generated by mkchart 2.")),
    "a user's edit inside a list of mkchart's stays": (
        ("    path: /healthz", "    path: /ready"), ("timezone: Asia/Shanghai", "timezone: UTC")),
}


@pytest.mark.parametrize(("users", "mkcharts"), BOTH_EDITS.values(), ids=BOTH_EDITS.keys())
def test_values_both_edits_apply(users: tuple[str, str], mkcharts: tuple[str, str]) -> None:
    ours, theirs = edit(VALUES, users), edit(VALUES, mkcharts)
    assert merged_values(VALUES, ours, theirs) == (edit(ours, mkcharts), 0)


@pytest.mark.parametrize(("where", "removed"), [
    ("first key", "# replicaCount is the number of pods.\nreplicaCount: 1\n"),
    ("last key", "# timezone of the container.\ntimezone: Asia/Shanghai\n"),
    ("middle key", "# service is the Service in front of the pods.\nservice:\n"
                   "  # service.port is the Service's port.\n  port: 80\n"),
    ("first nested key", "  # image.repository is the image without its tag.\n  repository: \"tomcat\"\n"),
    ("last nested key", "  # image.pullPolicy is IfNotPresent, Always or Never.\n  pullPolicy: IfNotPresent\n"),
    ("middle nested key", "  # image.tag is a pinned version.\n  tag: \"9.0.85\"\n"),
])
def test_values_a_key_mkchart_removed_goes_with_its_comment(where: str, removed: str) -> None:
    ours = edit(VALUES, ("replicaCount: 1", "replicaCount: 2")) if where != "first key" else \
        edit(VALUES, ("port: 80", "port: 81"))
    theirs = edit(VALUES, (removed, ""))
    text, conflicts = merged_values(VALUES, ours, theirs)
    assert conflicts == 0
    assert text == edit(ours, (removed, "")), where


# The user and mkchart edit the same place, the user's way is kept without a conflict.
USERS_EDIT_STAYS = {
    "a key mkchart removed but the user changed stays": (
        ("timezone: Asia/Shanghai", "timezone: Europe/Paris"),
        ("# timezone of the container.\ntimezone: Asia/Shanghai\n", "")),
    "a reworded leading comment stays": (("(http check)", "- ours says why"), ("(http check)", "(tcp check)")),
}


@pytest.mark.parametrize(("users", "mkcharts"), USERS_EDIT_STAYS.values(), ids=USERS_EDIT_STAYS.keys())
def test_values_the_users_edit_stays(users: tuple[str, str], mkcharts: tuple[str, str]) -> None:
    ours = edit(VALUES, users)
    assert merged_values(VALUES, ours, edit(VALUES, mkcharts)) == (ours, 0)


def test_values_removing_the_last_key_leaves_the_blank_line_before_the_next_block_alone() -> None:
    base = "a: 1\n\n# b is two.\nb: 2\n"
    assert merged_values(base, base, "a: 1\n") == ("a: 1\n", 0)
    assert merged_values(base, base, "b: 2\n") == ("b: 2\n", 0)


def test_values_a_key_the_user_deleted_stays_deleted_when_mkchart_adds_one_after_the_next() -> None:
    assert merged_values("a: 1\nb: 2\nc: 3\n", "a: 1\nc: 3\n", "a: 1\nd: 4\nb: 2\nc: 3\n") == (
        "a: 1\nd: 4\nc: 3\n", 0)


def test_values_a_comment_mkchart_adds_above_a_bare_key_arrives() -> None:
    base = "a: 1\nb: 2\n"
    assert merged_values(base, "a: 1\nb: 3\n", "a: 1\n# b is two.\nb: 2\n") == ("a: 1\n# b is two.\nb: 3\n", 0)


def test_values_a_key_mkchart_added_first_lands_before_the_next_one() -> None:
    assert merged_values("b: 1\nc: 2\n", "b: 1\nc: 3\n", "a: 0\nb: 1\nc: 2\n") == ("a: 0\nb: 1\nc: 3\n", 0)


def test_values_a_key_mkchart_added_after_keys_the_user_removed_goes_at_the_end() -> None:
    assert merged_values("a: 1\nb: 2\n", "z: 9\n", "a: 1\nb: 2\nc: 3\n") == ("z: 9\nc: 3\n", 0)


def test_values_a_preamble_both_changed_conflicts() -> None:
    ours = edit(VALUES, ("# Edits made here by hand are kept.\n", "# Owned by the book team.\n"))
    theirs = edit(VALUES, ("generated by mkchart.", "generated by mkchart 2."))
    text, conflicts = merged_values(VALUES, ours, theirs)
    assert conflicts == 1
    preamble = text[:text.index("# replicaCount")]
    assert preamble == conflict(["# Default values for app, generated by mkchart.", "# Owned by the book team.", ""],
                                ["# Default values for app, generated by mkchart 2.",
                                 "# Edits made here by hand are kept.", ""])


def test_values_a_value_both_changed_conflicts() -> None:
    ours = edit(VALUES, ("port: 80", "port: 8080"))
    theirs = edit(VALUES, ("port: 80", "port: 9090"))
    text, conflicts = merged_values(VALUES, ours, theirs)
    assert conflicts == 1
    assert "  # service.port is the Service's port.\n" + conflict(["  port: 8080"], ["  port: 9090"]) in text


def test_values_the_same_change_on_both_sides_is_no_conflict() -> None:
    both = edit(VALUES, ("port: 80", "port: 8080"))
    assert merged_values(VALUES, both, both) == (both, 0)


def test_values_a_key_the_user_removed_and_mkchart_changed_conflicts() -> None:
    base = "a: 1\nb: 2\nc: 3\n"
    assert merged_values(base, "a: 1\nc: 3\n", "a: 1\nb: 5\nc: 3\n") == (
        "a: 1\n" + conflict([], ["b: 5"]) + "c: 3\n", 1)


def test_values_a_list_mkchart_changed_follows() -> None:
    base = "a:\n  - x\n  - y\nb: 1\n"
    assert merged_values(base, "a:\n  - x\n  - y\nb: 2\n", "a:\n  - x\n  - z\nb: 1\n") == (
        "a:\n  - x\n  - z\nb: 2\n", 0)


def test_values_a_list_with_the_users_comment_inside_conflicts_instead_of_losing_it() -> None:
    base = "a:\n  - x\n  - y\nb: 1\n"
    ours = "a:\n  - x  # mine\n  - y\nb: 1\n"
    assert merged_values(base, ours, "a:\n  - x\n  - z\nb: 1\n") == (
        conflict(["a:", "  - x  # mine", "  - y"], ["a:", "  - x", "  - z"]) + "b: 1\n", 1)


def test_values_an_indentless_list_is_one_value() -> None:
    base = "a:\n- x\n- y\nb: 1\n"
    assert merged_values(base, "a:\n- x\n- y\nb: 2\n", "a:\n- x\n- z\nb: 1\n") == ("a:\n- x\n- z\nb: 2\n", 0)


def test_values_a_comment_after_a_list_stays_where_it_is() -> None:
    base = "a:\n  - x\n\n# a note of ours\n\nb: 1\n"
    assert merged_values(base, edit(base, ("b: 1", "b: 2")), edit(base, ("- x", "- y"))) == (
        "a:\n  - y\n\n# a note of ours\n\nb: 2\n", 0)


@pytest.mark.parametrize(("ours", "theirs", "expected"), [
    # The user indents by four, mkchart by two: what mkchart adds is indented the user's way.
    ("m:\n    a: 1\n    b: 5\n", "m:\n  a: 1\n  b: 2\n  # c is new.\n  c: 3\n",
     "m:\n    a: 1\n    b: 5\n    # c is new.\n    c: 3\n"),
    # ... and the other way round.
    ("m:\n  a: 1\n  b: 5\n", "m:\n    a: 1\n    b: 2\n    c:\n      - 3\n", "m:\n  a: 1\n  b: 5\n  c:\n    - 3\n"),
])
def test_values_added_keys_take_the_users_indentation(ours: str, theirs: str, expected: str) -> None:
    base = theirs.replace("  # c is new.\n  c: 3\n", "").replace("    c:\n      - 3\n", "")
    assert merged_values(base, ours, theirs) == (expected, 0)


def test_values_a_nested_flow_mapping_is_one_value() -> None:
    assert merged_values("a: {b: 1}\n", "a: {b: 2}\n", "a: {b: 1}\nc: 1\n") == ("a: {b: 2}\nc: 1\n", 0)
    assert merged_values("a: {b: 1}\n", "a: {b: 2}\n", "a: {b: 3}\n") == (conflict(["a: {b: 2}"], ["a: {b: 3}"]), 1)


CANNOT = {
    "flow mapping at the top": ("{a: 1}\n", "{a: 1}\n", "{a: 2}\n"),
    "a list at the top": ("- a\n", "- a\n", "- b\n"),
    "a scalar at the top": ("1\n", "1\n", "2\n"),
    "an empty file": ("", "", "a: 1\n"),
    "the user's file ends without a newline": (VALUES, VALUES.rstrip("\n"), VALUES),
    "the base ends without a newline": (VALUES.rstrip("\n"), VALUES, VALUES),
    "the new render ends without a newline": (VALUES, VALUES, VALUES.rstrip("\n")),
    "a YAML error in the user's file": (VALUES, VALUES + "broken: [\n", VALUES),
    "a YAML error in the new render": (VALUES, VALUES, VALUES + "broken: [\n"),
    "a duplicate key": ("a: 1\n", "a: 1\na: 2\n", "a: 3\n"),
    "several documents": ("a: 1\n", "a: 1\n---\nb: 1\n", "a: 2\n"),
    "a merge key (the keys it brings have no lines)": (
        "d: &d\n  a: 1\nx:\n  <<: *d\n  b: 2\n", "d: &d\n  a: 1\nx:\n  <<: *d\n  b: 3\n",
        "d: &d\n  a: 2\nx:\n  <<: *d\n  b: 2\n"),
}


@pytest.mark.parametrize(("base", "ours", "theirs"), CANNOT.values(), ids=CANNOT.keys())
def test_values_a_layout_it_cannot_handle_gives_none(base: str, ours: str, theirs: str) -> None:
    assert merge_values(base, ours, theirs) is None


def test_regen_falls_back_to_the_line_merge_for_such_a_values_yaml() -> None:
    from mkchart.regen.plan import _merge

    base, ours, theirs = "{a: 1, b: 2}\n", "{a: 1, b: 2}\nc: 3\n", "{a: 1, b: 5}\n"
    assert merge_values(base, ours, theirs) is None
    expected = merge3(base, ours, theirs)
    assert _merge("values.yaml", base.encode(), ours.encode(), theirs.encode()) == (
        expected.text.encode(), expected.conflicts)


# --- merge_values properties --------------------------------------------------------------------

KEYS = ("alpha", "beta", "gamma", "delta", "epsilon")
SCALARS = st.sampled_from([0, 1, 42, "tomcat", "a-b", "true-ish", True, False, "", "9.0.85"])
LEAVES = SCALARS | st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3)


def trees(depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    value = LEAVES if depth == 0 else LEAVES | st.deferred(lambda: trees(depth - 1))
    return st.dictionaries(st.sampled_from(KEYS), value, min_size=1, max_size=4)


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return f'"{value}"'


def emit(tree: dict[str, Any], comments: dict[str, str], indent: int = 0, path: str = "") -> str:
    """Block-style YAML: a leading comment where `comments` has one for the key's path."""
    pad = " " * indent
    out = ""
    for key, value in tree.items():
        dotted = f"{path}{key}"
        if dotted in comments:
            out += f"{pad}# {comments[dotted]}\n"
        if isinstance(value, dict):
            out += f"{pad}{key}:\n" + emit(value, comments, indent + 2, dotted + ".")
        elif isinstance(value, list):
            out += f"{pad}{key}:\n" + "".join(f"{pad}  - {item}\n" for item in value)
        else:
            out += f"{pad}{key}: {scalar(value)}\n"
    return out


@st.composite
def changed(draw: st.DrawFn, tree: dict[str, Any]) -> dict[str, Any]:
    """`tree` with some values changed, keys removed and keys added (nested maps stay maps)."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        action = draw(st.sampled_from(["keep", "keep", "keep", "change", "remove"]))
        if action == "remove":
            continue
        if isinstance(value, dict):
            out[key] = draw(changed(value)) or {"alpha": 0}
        else:
            out[key] = draw(LEAVES) if action == "change" else value
    for key in KEYS:
        # Not a key it just removed: put back at the end, the same data would read as a
        # reordering, which the merge rightly leaves to the user as a conflict.
        if key not in tree and draw(st.integers(0, 5)) == 0:
            out[key] = draw(LEAVES)
    return out or {"alpha": 1}


_GONE = object()


def _same(left: Any, right: Any) -> bool:
    """Equal as YAML values, judged by their text: Python's True == 1 == 1.0, but `true`,
    `1` and `1.0` are different values in a file, and a change from one to another is an edit."""
    if left is _GONE or right is _GONE:
        return left is right
    return yaml.safe_dump(left, sort_keys=True) == yaml.safe_dump(right, sort_keys=True)


def expected_merge(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The data merge_values is documented to give, and whether it must conflict."""
    if all(isinstance(v, dict) and v for v in (base, ours, theirs)):
        merged: dict[str, Any] = {}
        conflicted = False
        for key in [*theirs, *(k for k in base if k not in theirs), *(k for k in ours if k not in theirs)]:
            if key in merged:
                continue
            value, clash = expected_merge(base.get(key, _GONE), ours.get(key, _GONE), theirs.get(key, _GONE))
            conflicted |= clash
            if value is not _GONE:
                merged[key] = value
        return merged, conflicted
    if _same(theirs, base) or _same(ours, theirs):
        return ours, False
    if _same(ours, base):
        return theirs, False
    if theirs is _GONE:
        return ours, False
    return None, True


def _same_data(left: Any, right: Any) -> bool:
    """Equal as YAML data, the order of mapping keys aside."""
    return yaml.safe_load(yaml.safe_dump(left, sort_keys=True)) == yaml.safe_load(yaml.safe_dump(right, sort_keys=True))


@pytest.mark.slow  # ~4 s: 300 three-way merges of generated values files
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_values_merge_gives_the_documented_data(data: st.DataObject) -> None:
    base = data.draw(trees(), label="base")
    ours, theirs = data.draw(changed(base), label="ours"), data.draw(changed(base), label="theirs")
    comment_paths = st.lists(st.sampled_from([*KEYS, *(f"{k}.{j}" for k in KEYS for j in KEYS)]), max_size=6)
    base_comments = dict.fromkeys(data.draw(comment_paths, label="comments"), "says what it is")
    theirs_comments = {**base_comments, **dict.fromkeys(data.draw(comment_paths), "says it anew")}
    texts = ("# preamble\n\n" + emit(base, base_comments), "# preamble\n\n" + emit(ours, base_comments),
             "# preamble\n\n" + emit(theirs, theirs_comments))
    assert [yaml.safe_load(t) for t in texts] == [base, ours, theirs]  # the emitter is right
    merged = merge_values(*texts)
    expected, conflicted = expected_merge(base, ours, theirs)
    if expected == {}:  # every key gone: an empty document is no mapping, so the line merge takes over
        assert merged is None
        return
    assert merged is not None, "these plain block layouts are all the structural merge's to handle"
    assert merged.conflicts == marker_count(merged.text)
    assert (merged.conflicts > 0) is conflicted, merged.text
    if not conflicted:
        result = yaml.safe_load(merged.text)  # parses as YAML
        assert _same_data(result, expected), merged.text
        assert merged.text.startswith("# preamble\n\n")


@settings(max_examples=200, deadline=None)
@given(base=trees(), data=st.data())
def test_values_merge_of_an_unedited_file_is_the_new_render(base: dict[str, Any], data: st.DataObject) -> None:
    theirs = data.draw(changed(base))
    merged = merge_values(emit(base, {}), emit(base, {}), emit(theirs, {}))
    assert merged is not None and merged.conflicts == 0
    assert yaml.safe_load(merged.text) == theirs


# --- bugs these tests found, fixed: placement, an emptied mapping, complex keys ----------

def test_values_two_keys_mkchart_added_together_arrive_once() -> None:
    assert merged_values("a: 0\nz: 1\n", "a: 0\nz: 2\n", "a: 0\nb: 1\nc: 2\nz: 1\n") == (
        "a: 0\nb: 1\nc: 2\nz: 2\n", 0)


def test_values_two_keys_mkchart_added_together_arrive_once_beside_a_conflict() -> None:
    # With a conflict elsewhere the result is not re-parsed: a duplicated key is written.
    text, conflicts = merged_values("a: 0\nz: 1\n", "a: 0\nz: 2\n", "a: 0\nb: 1\nc: 2\nz: 3\n")
    assert conflicts == 1 and text.count("b: 1\n") == 1


def test_values_two_keys_mkchart_added_before_the_first_arrive_once() -> None:
    assert merged_values("c: 3\n", "c: 3\n", "a: 0\nb: 2\nc: 3\n") == ("a: 0\nb: 2\nc: 3\n", 0)


@pytest.mark.parametrize(("base", "ours", "theirs", "expected"), [
    # added right after the key the user deleted
    ("a: 1\nb: 2\nc: 3\n", "a: 1\nc: 3\n", "a: 1\nb: 2\nd: 4\nc: 3\n", "a: 1\nd: 4\nc: 3\n"),
    # added first, right before the key the user deleted
    ("b: 2\nc: 3\n", "c: 3\n", "a: 0\nb: 2\nc: 3\n", "a: 0\nc: 3\n"),
], ids=["added after the deleted key", "added first, before the deleted key"])
def test_values_a_key_the_user_deleted_stays_deleted_when_mkchart_adds_one_beside_it(
        base: str, ours: str, theirs: str, expected: str) -> None:
    assert merged_values(base, ours, theirs) == (expected, 0)


def test_values_a_mapping_emptied_by_the_merge_stays_a_mapping() -> None:
    base = "m:\n  a: 0\n  b: 0\nz: 0\n"
    text, conflicts = merged_values(base, "m:\n  a: 0\nz: 0\n", "m:\n  b: 0\nz: 0\n")
    assert conflicts == 0 and yaml.safe_load(text) == {"m": {}, "z": 0}


def test_values_a_complex_key_value_mkchart_changed_follows() -> None:
    # `? key` / `: value` is left to the line merge: adjacent changes there are a conflict,
    # never mkchart's change dropped.
    base, ours, theirs = "? [a, b]\n: 1\nc: 2\n", "? [a, b]\n: 1\nc: 3\n", "? [a, b]\n: 2\nc: 2\n"
    assert merge_values(base, ours, theirs) is None
    merged = merge3(base, ours, theirs)
    assert merged.conflicts == 1 and ": 2\n" in merged.text and "c: 3\n" in merged.text
