"""A solve in simulation: attempts, recoveries from the cube's actual state, the report."""

import mujoco
import numpy as np
import pytest
import torch

from cubehand.evaluation import LoadedPolicy
from cubehand.sim.cube_parts import hinge_name
from cubehand.sim.env import EnvConfig, observation_sizes
from cubehand.sim.scene import SceneConfig
from cubehand.skills.policy import NetworkConfig, Policy
from cubehand.skills.scheduler import SchedulerConfig, plan
from cubehand.solve import solve_in_simulation
from cubehand.solver.moves import Move, parse_moves
from cubehand.solver.orientation import Orientation
from cubehand.solver.state import CubeState
from cubehand.solver.two_phase import TwoPhaseSolver


@pytest.fixture(scope="module")
def untrained():
    torch_policy = Policy(observation_sizes(), NetworkConfig(embed=16, hidden=16, lstm=16))
    return LoadedPolicy(torch_policy, EnvConfig(scene=SceneConfig(cube="locked")))


def scheduled(scramble: str):
    state = CubeState.solved()
    for move in parse_moves(scramble):
        state = state.apply_move(move)
    return plan(state, Orientation.identity(), TwoPhaseSolver(), SchedulerConfig())


def test_without_recovery_the_first_failure_ends_the_solve(untrained):
    report = solve_in_simulation(untrained, scheduled("R U"), "locked", seed=1, goal_timeout=3)
    assert (report.solved, report.failure, report.recoveries) == (False, "timeout", 0)
    assert report.sim_seconds == pytest.approx(3 * 0.08)


def test_recoveries_replan_from_the_state_the_cube_is_really_in(untrained):
    start = scheduled("R")
    seen: list[CubeState] = []

    def replan(state):
        seen.append(state)
        return scheduled("R")  # any plan will do: the policy cannot execute it

    def twist_top(model, data, progress):
        # Someone turns the top layer a quarter clockwise during the first attempt.
        if progress.step == 1:
            data.qpos[model.joint(hinge_name("U")).qposadr[0]] -= np.pi / 2
            mujoco.mj_forward(model, data)

    report = solve_in_simulation(untrained, start, "locked", seed=1, goal_timeout=3,
                                 on_frame=twist_top, recoveries=2, replan=replan)  # fmt: skip
    assert seen[0] == start.start_state.apply_move(Move("U", 1))
    assert len(seen) == 2 and report.recoveries == 2
    assert (report.solved, report.failure) == (False, "timeout")
    assert report.sim_seconds == pytest.approx(3 * 3 * 0.08)


def test_a_plan_that_runs_out_on_an_unsolved_cube_is_a_mismatch(untrained):
    def replan(state):
        return plan(CubeState.solved(), Orientation.identity(), TwoPhaseSolver())

    report = solve_in_simulation(untrained, scheduled("R"), "locked", seed=1, goal_timeout=2,
                                 recoveries=1, replan=replan)  # fmt: skip
    # The stand-in planner says there is nothing left to do, but the cube is not solved.
    assert (report.solved, report.failure, report.recoveries) == (False, "mismatch", 1)


def test_the_hand_opening_between_goals_is_counted_and_shown_step_by_step():
    # A stand-in policy that always keeps its joint targets (the middle bin of every head).
    still = Policy(observation_sizes(), NetworkConfig(embed=16, hidden=16, lstm=16))
    with torch.no_grad():
        still.head.weight.zero_()
        still.head.bias.copy_(torch.eye(11)[5].repeat(20))
    env = EnvConfig(scene=SceneConfig(cube="locked"), release_steps=3)
    opening = LoadedPolicy(still, env)
    seen = []

    def twist_top(model, data, progress):
        # Someone turns the top layer a quarter clockwise: the plan's first subgoal is met.
        seen.append(progress)
        if progress.step == 1:
            data.qpos[model.joint(hinge_name("U")).qposadr[0]] -= np.pi / 2
            mujoco.mj_forward(model, data)

    report = solve_in_simulation(opening, scheduled("U2"), "locked", seed=1, goal_timeout=20,
                                 on_frame=twist_top)  # fmt: skip
    assert report.successes == 1 and report.failure == "timeout"
    steps = [p.step for p in seen]
    assert steps == list(range(1, len(steps) + 1))  # every control step, openings included
    met = next(i for i, p in enumerate(seen) if p.successes == 1)
    assert seen[met].kind == "rotate" and not seen[met].opening  # as the goal left the hand
    opened = seen[met + 1 : met + 4]
    assert all(p.opening and p.successes == 1 and p.kind is None for p in opened)
    assert not any(p.opening for p in seen[met + 4 :])
    assert report.sim_seconds == pytest.approx(len(steps) * 0.08)


def test_square_first_puts_a_square_goal_before_the_first_rotation(untrained):
    kinds = {}
    for square_first in (None, 1e-6):
        seen = []
        report = solve_in_simulation(untrained, scheduled("U"), "locked", seed=1, goal_timeout=3,
                                     on_step=seen.append, square_first=square_first)  # fmt: skip
        kinds[square_first] = {p.kind for p in seen}
        assert (report.successes, report.square_goals, report.subgoals_total) == (0, 0, 1)
    assert kinds == {None: {"rotate"}, 1e-6: {"square"}}  # it timed out before the rotation


def test_square_from_place_is_as_trained_unless_asked(untrained, monkeypatch):
    import cubehand.solve as solve_module

    seen = []

    class RecordingEnv(solve_module.CubeEnv):
        def __init__(self, config):
            seen.append(config.square_from_place)
            super().__init__(config)

    monkeypatch.setattr(solve_module, "CubeEnv", RecordingEnv)
    squares = {"square_first": 0.5, "square_radius": 0.01}
    for asked in (None, True, False):
        solve_in_simulation(untrained, scheduled("U"), "locked", seed=1, goal_timeout=1,
                            square_from_place=asked, **squares)  # fmt: skip
    assert seen == [untrained.env.square_from_place, True, False]
