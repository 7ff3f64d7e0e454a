"""The fast YAML emitter writes what the YAML parser reads back, for any plain tree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mkchart import yamlio

_scalars = st.one_of(st.text(max_size=12), st.integers(-10**9, 10**9), st.booleans())
_trees = st.recursive(
    st.dictionaries(st.text(min_size=1, max_size=8), _scalars, max_size=4),
    lambda children: st.dictionaries(
        st.text(min_size=1, max_size=8), st.one_of(children, st.lists(_scalars, max_size=3), _scalars), max_size=4),
    max_leaves=15,
)


@settings(max_examples=300, deadline=None)
@given(_trees)
def test_dump_plain_round_trips(tree: dict) -> None:
    text = yamlio.dump_plain(tree)
    assert (yamlio.parse(text, "test") or {}) == tree


def test_tricky_scalars_are_quoted() -> None:
    text = yamlio.dump_plain({"a": "yes", "b": "1.10", "c": "", "d": "x: y", "e": "# no", "f": "-x"})
    assert yamlio.parse(text, "test") == {"a": "yes", "b": "1.10", "c": "", "d": "x: y", "e": "# no", "f": "-x"}
    assert 'b: "1.10"' in text
