import numpy as np
import pytest

from cubehand.solver.errors import InvalidCubeStateError
from cubehand.solver.moves import count_htm, parse_moves
from cubehand.solver.scramble import random_state
from cubehand.solver.state import CubeState
from cubehand.solver.two_phase import TwoPhaseSolver

SOLVER = TwoPhaseSolver()


def test_solved_cube_needs_no_moves():
    assert SOLVER.solve(CubeState.solved()) == ()
    assert [c.moves for c in SOLVER.candidates(CubeState.solved())] == [()]


def test_one_move_from_solved():
    state = CubeState.solved().apply(parse_moves("R'"))
    assert state.apply(SOLVER.solve(state)).is_solved()


def test_invalid_state_raises_our_error_with_the_fault():
    twisted = CubeState.solved().facelets
    twisted = twisted[:8] + "R" + "F" + twisted[10:20] + "U" + twisted[21:]  # corner URF twisted
    with pytest.raises(InvalidCubeStateError, match="twisted corner"):
        SOLVER.solve(CubeState(twisted))


def test_thousand_seeded_random_states_are_solved_and_verified():
    rng = np.random.default_rng(20261126)
    lengths = []
    for _ in range(1000):
        state = random_state(rng)
        moves = SOLVER.solve(state)
        assert state.apply(moves).is_solved()
        lengths.append(count_htm(moves))
    assert max(lengths) <= 24


def test_candidates_are_distinct_and_each_solves_the_state():
    state = random_state(np.random.default_rng(3))
    candidates = SOLVER.candidates(state)
    assert len(candidates) > 10
    assert len({c.moves for c in candidates}) == len(candidates)
    for candidate in candidates:
        assert state.apply(candidate.moves).is_solved()
    assert candidates[0].moves == SOLVER.solve(state)


def test_candidates_can_be_limited():
    state = random_state(np.random.default_rng(4))
    assert len(SOLVER.candidates(state, orientations=1, inverse=False)) == 1


def test_max_depth_is_checked():
    with pytest.raises(ValueError, match="max_depth"):
        TwoPhaseSolver(max_depth=0)
