import numpy as np
import pytest

from cubehand.skills.scheduler import (
    SchedulerConfig,
    flip_cost,
    openai_flip_orientation,
    plan,
    schedule_minimal,
    schedule_openai,
    smallest_flip,
)
from cubehand.skills.subgoals import Flip, Rotate
from cubehand.skills.symbolic import SubgoalMismatchError, execute_symbolically
from cubehand.solver.moves import Move, parse_moves, simplify_moves
from cubehand.solver.orientation import Orientation, all_orientations
from cubehand.solver.scramble import random_state
from cubehand.solver.state import CubeState
from cubehand.solver.two_phase import TwoPhaseSolver

SOLVER = TwoPhaseSolver()
IDENTITY = Orientation.identity()
BENCHMARK_SCRAMBLE = "L2 U2 R2 B D2 B2 D2 L2 F' D' R B F L U' F D' L2"


def _merge_quarter_turns(turns):
    return simplify_moves(turns)


@pytest.mark.parametrize("mode", ["openai", "minimal"])
def test_subgoals_execute_to_solved_and_reproduce_the_moves(mode):
    rng = np.random.default_rng(100)
    for _ in range(8):
        state = random_state(rng)
        orientation = all_orientations()[int(rng.integers(24))]
        result = plan(state, orientation, SOLVER, SchedulerConfig(mode=mode))
        final, _, turns = execute_symbolically(state, orientation, result.subgoals)
        assert final.is_solved()
        # Quarter turns regroup into exactly the plan's moves, and those solve the state.
        assert _merge_quarter_turns(turns) == simplify_moves(result.moves)
        assert state.apply(result.moves).is_solved()
        assert result.n_flips + result.n_rotations == len(result.subgoals)


def test_openai_mode_uses_the_solvers_first_solution_and_fixed_orientations():
    state = random_state(np.random.default_rng(1))
    moves = SOLVER.solve(state)
    result = plan(state, IDENTITY, SOLVER, SchedulerConfig(mode="openai"))
    assert result.moves == moves
    for goal in result.subgoals:
        if isinstance(goal, Flip):
            assert goal.orientation == openai_flip_orientation(goal.target)
    assert result.n_rotations == sum(m.quarter_turns for m in moves)


def test_half_turns_are_two_quarter_turns():
    state = CubeState.solved().apply(parse_moves("U2"))
    result = schedule_openai(state, IDENTITY, parse_moves("U2"))
    assert [type(g) for g in result.subgoals] == [Rotate, Rotate]
    assert result.subgoals[-1].state.is_solved()


def test_minimal_flips_are_smallest_rotations():
    for orientation in all_orientations():
        for face in "URFDLB":
            goal = smallest_flip(orientation, face)
            assert goal.up == face
            expected = {"U": 0, "D": 180}.get(orientation.world_direction(face), 90)
            assert round(orientation.angle_to(goal)) == expected
            # No orientation with this face up is closer.
            closest = min(orientation.angle_to(o) for o in all_orientations() if o.up == face)
            assert round(closest) == expected


def test_flip_quaternion_points_target_face_up():
    state = CubeState.solved().apply(parse_moves("R F"))
    result = schedule_minimal(state, IDENTITY, parse_moves("F' R'"))
    flips = [g for g in result.subgoals if isinstance(g, Flip)]
    assert [f.target for f in flips] == ["F", "R"]
    for flip in flips:
        w, x, y, z = flip.quaternion
        rotation = _quat_matrix(w, x, y, z)
        normal = {"F": (0, -1, 0), "R": (1, 0, 0)}[flip.target]
        assert np.allclose(rotation @ normal, (0, 0, 1))


def _quat_matrix(w, x, y, z):
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def test_minimal_reorders_commuting_moves_to_save_flips():
    # With D up, "U D" costs a 180 flip twice; "D U" costs one.
    orientation = smallest_flip(IDENTITY, "D")
    state = CubeState.solved().apply(parse_moves("D' U'"))
    result = schedule_minimal(state, orientation, parse_moves("U D"))
    assert [str(m) for m in result.moves] == ["D", "U"]
    assert result.n_flips == 1


def test_minimal_never_costs_more_than_openai_on_the_same_moves():
    rng = np.random.default_rng(7)
    for _ in range(20):
        state = random_state(rng)
        moves = SOLVER.solve(state)
        baseline = schedule_openai(state, IDENTITY, moves)
        minimal = schedule_minimal(state, IDENTITY, moves)
        assert len(minimal.subgoals) <= len(baseline.subgoals)


def test_flip_costs():
    assert flip_cost("U", "U", 1.5) == 0
    assert flip_cost("U", "R", 1.5) == 1
    assert flip_cost("U", "D", 1.5) == 1.5


def test_solved_cube_has_no_subgoals():
    assert plan(CubeState.solved(), IDENTITY, SOLVER).subgoals == ()


def test_benchmark_scramble_plans_are_verified():
    start = CubeState.solved().apply(parse_moves(BENCHMARK_SCRAMBLE))
    baseline = plan(start, IDENTITY, SOLVER, SchedulerConfig(mode="openai"))
    minimal = plan(start, IDENTITY, SOLVER)
    for result in (baseline, minimal):
        assert execute_symbolically(start, IDENTITY, result.subgoals)[0].is_solved()
    assert len(minimal.subgoals) < len(baseline.subgoals)


def test_symbolic_execution_catches_a_wrong_expectation():
    state = CubeState.solved().apply(parse_moves("U"))
    result = schedule_openai(state, IDENTITY, parse_moves("U'"))
    (goal,) = result.subgoals
    wrong = Rotate("cw", goal.face, goal.state, goal.orientation)
    with pytest.raises(SubgoalMismatchError, match="subgoal 1"):
        execute_symbolically(state, IDENTITY, [wrong])
    with pytest.raises(SubgoalMismatchError, match="while U is up"):
        execute_symbolically(state, IDENTITY, [Rotate("cw", "R", goal.state, goal.orientation)])


def test_plan_json_shape():
    state = CubeState.solved().apply(parse_moves("R U"))
    data = plan(state, IDENTITY, SOLVER).to_json()
    assert data["moves"] == ["U'", "R'"]
    assert data["n_flips"] == 1 and data["n_rotations"] == 2
    assert [g["type"] for g in data["subgoals"]] == ["rotate", "flip", "rotate"]
    assert data["subgoals"][1]["target"] == "R" and len(data["subgoals"][1]["quaternion"]) == 4


def test_moves_of_one_face_merge():
    assert (
        schedule_minimal(CubeState.solved(), IDENTITY, (Move("U", 1), Move("U", 3))).subgoals == ()
    )
