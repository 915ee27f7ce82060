import pytest

from tsunagu.lib.lifecycle import Lifecycle, Move, TransitionRefused

LC = Lifecycle(
    name="記録",
    labels={"a": "把握", "b": "接触", "c": "終結"},
    table={
        ("a", "b"): Move("接触した", sides=frozenset({"worker"})),
        ("a", "c"): Move("終結する", needs_reason=True),
        ("b", "c"): Move("終結する", sides=frozenset({"coordinator"})),
    },
)


def test_open_moves_follow_the_table_and_the_side():
    assert [t for t, _ in LC.open_moves("a", {"worker"})] == ["b", "c"]
    assert [t for t, _ in LC.open_moves("b", {"worker"})] == []


def test_a_move_not_in_the_table_is_refused_with_the_next_possible_ones():
    with pytest.raises(TransitionRefused, match=r"「終結」の記録を「把握」にはできません.*なし"):
        LC.check("c", "a", {"worker"})


def test_a_move_by_the_wrong_side_is_refused():
    with pytest.raises(TransitionRefused, match="担当側だけ"):
        LC.check("b", "c", {"worker"})
    move, side = LC.check("b", "c", {"coordinator", "worker"})
    assert side == "coordinator" and move.label == "終結する"
