import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cubehand.solver.cubie import CubieCube, inverse_cubie
from cubehand.solver.errors import CubeError
from cubehand.solver.moves import Move, invert_moves, parse_moves
from cubehand.solver.orientation import Orientation
from cubehand.solver.permutations import move_permutation
from cubehand.solver.scramble import random_cubie
from cubehand.solver.state import CubeState, apply_in_world

ALL_FACE_MOVES = [Move(f, t) for f in "URFDLB" for t in (1, 2, 3)]
face_moves = st.lists(st.sampled_from(ALL_FACE_MOVES), max_size=40).map(tuple)

# Kociemba's published cubie definition of R (cubie.py of his RubiksCube-TwophaseSolver).
KOCIEMBA_R = CubieCube(
    cp=(4, 1, 2, 0, 7, 5, 6, 3),
    co=(2, 0, 0, 1, 1, 0, 0, 2),
    ep=(8, 1, 2, 3, 11, 5, 6, 7, 4, 9, 10, 0),
    eo=(0,) * 12,
)
KOCIEMBA_F = CubieCube(
    cp=(1, 5, 2, 3, 0, 4, 6, 7),
    co=(1, 2, 0, 0, 2, 1, 0, 0),
    ep=(0, 9, 2, 3, 4, 8, 6, 7, 1, 5, 10, 11),
    eo=(0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0),
)


@pytest.mark.parametrize("face", "URFDLBxyz")
def test_every_quarter_turn_has_order_four(face):
    perm = np.arange(54)
    quarter = move_permutation(Move(face, 1))
    for turns in range(1, 5):
        perm = perm[quarter]
        assert np.array_equal(perm, np.arange(54)) == (turns == 4)


def test_face_turn_keeps_centres_and_moves_twenty_facelets():
    for face in "URFDLB":
        moved = np.flatnonzero(move_permutation(Move(face, 1)) != np.arange(54))
        assert len(moved) == 20
        assert not set(moved) & {4, 13, 22, 31, 40, 49}


def test_cubie_view_of_r_and_f_matches_kociemba():
    assert CubeState.solved().apply(parse_moves("R")).to_cubie() == KOCIEMBA_R
    assert CubeState.solved().apply(parse_moves("F")).to_cubie() == KOCIEMBA_F


@given(face_moves)
def test_sequence_then_inverse_is_identity(moves):
    state = CubeState.solved().apply(moves)
    assert state.apply(invert_moves(moves)).is_solved()


@given(face_moves)
def test_facelet_and_cubie_engines_agree(moves):
    cubie = CubieCube.solved()
    for move in moves:
        for _ in range(move.turns):
            cubie = cubie.multiply(CubeState.solved().apply_move(Move(move.face, 1)).to_cubie())
    assert CubeState.solved().apply(moves).to_cubie() == cubie


def test_conversions_round_trip_on_random_cubies():
    rng = np.random.default_rng(7)
    for _ in range(500):
        cubie = random_cubie(rng)
        state = CubeState.from_cubie(cubie)
        assert state.to_cubie() == cubie
        assert CubeState.from_facelets(state.facelets) == state


def test_inverse_cubie_undoes_cube():
    rng = np.random.default_rng(8)
    for _ in range(100):
        cubie = random_cubie(rng)
        assert cubie.multiply(inverse_cubie(cubie)) == CubieCube.solved()


def test_apply_refuses_rotations():
    with pytest.raises(CubeError, match="whole cube"):
        CubeState.solved().apply(parse_moves("x"))


def test_apply_in_world_turns_the_face_that_points_there():
    # After x the cube's F face points up, so a world U turn is the cube's F turn.
    state, orientation = apply_in_world(
        CubeState.solved(), Orientation.identity(), parse_moves("x U")
    )
    assert orientation.up == "F"
    assert orientation.front == "D"
    assert state == CubeState.solved().apply(parse_moves("F"))


def test_world_view_of_identity_is_the_state():
    state = CubeState.solved().apply(parse_moves("R U F'"))
    assert state.world_view(Orientation.identity()) == state.facelets


def test_world_view_after_y_shows_right_face_in_front():
    orientation = Orientation.identity().rotated(_matrix("U"))  # y: R face comes to the front
    view = CubeState.solved().world_view(orientation)
    assert view[18:27] == "R" * 9
    assert view[0:9] == "U" * 9


def _matrix(direction):
    from cubehand.solver.permutations import quarter_turn

    return quarter_turn(direction)
