"""Goal starts: the recorder on stand-in environments, the report, and a real evaluation."""

from types import SimpleNamespace

import numpy as np

from cubehand.evaluation import SHIPPED_WEIGHTS, evaluate_policy, evaluation_env, load_policy
from cubehand.goal_starts import (
    GoalStart,
    GoalStartRecorder,
    distinct_places,
    goal_start_records,
    goal_starts_markdown,
)
from cubehand.sim.env import CubePlacement


class StandIn:
    """An environment reduced to what the recorder reads: the goal and the cube's place."""

    def __init__(self, kind: str, offset: float) -> None:
        self.goal = SimpleNamespace(kind=kind, direction="cw")
        self.offset = offset
        self.before = "start"

    def cube_placement(self) -> CubePlacement:
        return placed(self.offset)


def placed(offset: float, along: float = 0.0) -> CubePlacement:
    """A placement ``offset`` m off the start place across the palm, ``along`` m along it."""
    return CubePlacement(offset=offset, yaw=0.1, tilt=0.0, speed=0.0, across=offset, along=along)


def info(attempts: int, sequel: str, failure: str | None = None, end=None) -> dict:
    return {"attempts": {"rotate": attempts}, "sequel": sequel, "failure": failure,
            "goal_end": end}  # fmt: skip


def test_recorder_closes_met_and_failed_goals_and_keeps_counted_episodes_only():
    envs = [StandIn("rotate", 0.025), StandIn("flip", 0.03)]
    recorder = GoalStartRecorder(envs)
    # env 0 meets its first goal; the cube now lies 40 mm off for the next one
    envs[0].offset = 0.04
    recorder.after_step([info(2, "rotate>rotate", end=placed(0.01, -0.02)), info(1, "start>flip")],
                        np.array([False, False]), [True, True])  # fmt: skip
    # env 0 times out on its second goal (counted); env 1's episode ends but is not counted
    recorder.after_step([info(2, "rotate>rotate", "timeout", placed(0.05, 0.03)),
                         info(1, "start>flip", "drop")],
                        np.array([True, True]), [True, False])  # fmt: skip
    first, second = recorder.starts
    assert (first.before, first.kind, first.met, first.failure) == ("start", "rotate", True, None)
    assert round(first.offset_mm, 6) == 25.0 and round(first.yaw_deg, 3) == 5.730
    assert round(first.across_mm, 6) == 25.0 and first.along_mm == 0.0
    assert (round(first.end_across_mm, 6), round(first.end_along_mm, 6)) == (10.0, -20.0)
    assert (second.before, second.met, second.failure) == ("rotate", False, "timeout")
    assert round(second.offset_mm, 6) == 40.0
    assert (round(second.end_across_mm, 6), round(second.end_along_mm, 6)) == (50.0, 30.0)


def test_recorder_names_how_each_episode_began():
    envs = [StandIn("rotate", 0.02)]
    envs[0].before = "bank"  # the episode starts from a pose bank
    recorder = GoalStartRecorder(envs)
    envs[0].before = "restart"  # its successor restarts where a goal was met
    recorder.after_step([info(1, "bank>rotate", "timeout")], np.array([True]), [True])
    recorder.after_step([info(1, "restart>rotate", "drop")], np.array([True]), [True])
    assert [s.before for s in recorder.starts] == ["bank", "restart"]


def test_a_goal_that_timed_out_with_the_episode_going_on_counts_as_missed():
    envs = [StandIn("rotate", 0.02)]
    recorder = GoalStartRecorder(envs)
    recorder.after_step([info(2, "timeout>rotate", end=placed(0.03))], np.array([False]), [True])
    recorder.after_step([info(2, "timeout>rotate", "drop")], np.array([True]), [True])
    first, second = recorder.starts
    assert (first.met, first.failure, round(first.end_across_mm, 6)) == (False, "timeout", 30.0)
    assert (second.before, second.failure) == ("timeout", "drop")


def test_report_bins_goals_by_start_and_counts_distinct_places():
    def start(before: str, offset: float, met: bool) -> GoalStart:
        end = (None, None) if before == "start" else (2.0 * offset, -3.0)
        return GoalStart("rotate", before, "cw", offset, 2.0, 1.0, 0.0, met,
                         None if met else "timeout", -offset, 1.0, *end)  # fmt: skip

    starts = [start("start", 25.8, True), start("start", 25.8, True),
              start("flip", 12.0, True), start("flip", 50.0, False)]  # fmt: skip
    assert distinct_places(starts) == 3
    report = goal_starts_markdown(starts, "probe")
    assert report.startswith("# probe\n")
    assert "| start > rotate | 2/2 | 1 | 25.8 / - |" in report
    assert "| flip > rotate | 1/2 | 2 | 12.0 / 50.0 |" in report and "timeout 1" in report
    assert "| flip | - | 1/1 | - | - | 0/1 |" in report  # 10-20 mm met, beyond 45 mm missed
    # where on the palm: medians of (across, along) at the start and the end
    assert "| flip > rotate | -12.0, 1.0 | 24.0, -3.0 | -50.0, 1.0 | 100.0, -3.0 |" in report
    assert "| start > rotate | -25.8, 1.0 | - | - | - |" in report  # ends not known
    assert goal_start_records(starts)[3]["failure"] == "timeout"
    assert "Greedy actions" in report
    sampled = goal_starts_markdown(starts, "probe", greedy=False)
    assert "Greedy actions" not in sampled and "Sampled actions" in sampled


def test_an_evaluation_records_every_goal_of_its_counted_episodes():
    policy, trained = load_policy(SHIPPED_WEIGHTS)
    config = evaluation_env(trained, "full", goal_timeout=40, rotate_probability=1.0)
    starts: list[GoalStart] = []
    result = evaluate_policy(policy, config, episodes=3, seed=5, ranges={}, n_envs=2,
                             goal_starts=starts)  # fmt: skip
    tried = sum(tried for _, tried in result["goal_sequels"].values())
    met = sum(met for met, _ in result["goal_sequels"].values())
    assert len(starts) == tried and sum(s.met for s in starts) == met
    assert sum(s.before == "start" for s in starts) == 3  # one first goal per episode
    # every goal knows where it started and ended, signed in the palm plane
    assert all(np.isclose(s.offset_mm, np.hypot(s.across_mm, s.along_mm)) for s in starts)
    assert all(s.end_across_mm is not None and s.end_along_mm is not None for s in starts)
    # The settled start lies 25.8 mm from the start place (where the start pose holds the
    # cube), square with the hand.
    firsts = [s for s in starts if s.before == "start"]
    assert all(s.kind == "rotate" for s in firsts)
    assert all(s.yaw_deg < 1.0 and 20.0 < s.offset_mm < 30.0 for s in firsts)
