import pytest
from hypothesis import given
from hypothesis import strategies as st

from cubehand.solver.errors import NotationError
from cubehand.solver.moves import (
    Move,
    count_htm,
    count_qtm,
    format_moves,
    invert_moves,
    parse_moves,
    simplify_moves,
)

moves_strategy = st.lists(
    st.builds(Move, st.sampled_from("URFDLBxyz"), st.integers(1, 3)), max_size=30
).map(tuple)


@given(moves_strategy)
def test_format_then_parse_round_trips(moves):
    assert parse_moves(format_moves(moves)) == moves


def test_parse_suffixes():
    assert parse_moves("R R' R2 R2' x y' z2") == (
        Move("R", 1), Move("R", 3), Move("R", 2), Move("R", 2),
        Move("x", 1), Move("y", 3), Move("z", 2),
    )  # fmt: skip


def test_parse_empty_string_is_no_moves():
    assert parse_moves("   ") == ()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("R Q", "'Q' at position 2"),
        ("R3", "'R3' at position 1"),
        ("r U", "wide moves are not supported"),
        ("R''", "position 1"),
        ("X", "'X'"),
    ],
)
def test_parse_errors_name_the_token(text, fragment):
    with pytest.raises(NotationError, match=fragment):
        parse_moves(text)


def test_move_rejects_bad_turns():
    with pytest.raises(NotationError):
        Move("R", 4)


def test_invert_reverses_and_inverts():
    assert format_moves(invert_moves(parse_moves("R U2 F' x"))) == "x' F U2 R'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R R", "R2"),
        ("R R'", ""),
        ("R2 R2", ""),
        ("R L R'", "L"),
        ("U D U D", "U2 D2"),
        ("R U U' R'", ""),
        ("x x", "x2"),
        ("x R x'", "x R x'"),
        ("F B' F' B", ""),
        ("R U R'", "R U R'"),
    ],
)
def test_simplify(text, expected):
    assert format_moves(simplify_moves(parse_moves(text))) == expected


@given(moves_strategy)
def test_simplified_sequences_have_no_mergeable_neighbours(moves):
    simplified = simplify_moves(moves)
    assert simplify_moves(simplified) == simplified
    faces = [m.face for m in simplified]
    assert all(a != b for a, b in zip(faces, faces[1:], strict=False))


def test_metrics_skip_rotations():
    moves = parse_moves("R U2 F' x y2")
    assert count_htm(moves) == 3
    assert count_qtm(moves) == 4
