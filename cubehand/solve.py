"""A whole solve in simulation: plan, then the policy executes every subgoal in turn.

The environment is given the scheduler's subgoals; after each subgoal it checks the cube's
tracked state against the state the plan expects (a disagreement ends the run as a
``mismatch``), and a drop or a goal that is not met in time ends it too. By default nothing
is retried: the report says how far the hand got and why it stopped. With recoveries
allowed, a failed attempt is followed by a new one: the cube is put back on the palm in the
state it is actually in (the tracked state of its faces, each face snapped to its last
aligned position), that state is solved and scheduled again, and the hand goes on; the
report counts recoveries separately.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import mujoco
import numpy as np

from cubehand.evaluation import EVAL_SEED_OFFSET, LoadedPolicy, PolicyActor, evaluation_env
from cubehand.sim.env import CubeEnv, PoseSource
from cubehand.sim.perturbations import PerturbationName
from cubehand.sim.scene import CubeModel
from cubehand.skills.scheduler import Plan, SchedulerConfig
from cubehand.skills.scheduler import plan as schedule
from cubehand.solver.orientation import Orientation
from cubehand.solver.state import CubeState
from cubehand.solver.two_phase import TwoPhaseSolver

Replanner = Callable[[CubeState], Plan]


@dataclass
class SolveProgress:
    """Where a solve stands after one control step."""

    step: int
    subgoal: int  # index of the current subgoal (0-based)
    kind: str | None
    successes: int
    subgoals_total: int
    drops: int
    sim_seconds: float
    wall_seconds: float
    recoveries: int = 0
    opening: bool = False  # the hand opens between goals (``release_steps``)


@dataclass
class SolveReport:
    """How a solve ended (what ``cubehand solve --json`` prints).

    ``successes`` counts subgoals met over all attempts; ``subgoals_total`` is that of the
    plan when there were no recoveries, and after recoveries the subgoals met before the
    last attempt plus the last attempt's plan. A plan that runs out while the cube is not
    solved (which the real planner never makes) ends the solve as a ``mismatch``.
    """

    solved: bool
    successes: int
    subgoals_total: int
    drops: int
    sim_seconds: float
    wall_seconds: float
    failure: str | None
    recoveries: int = 0
    square_goals: int = 0  # square goals met (``square_first``; not among the successes)

    def to_json(self) -> dict:
        """Plain values for JSON."""
        return asdict(self)


def solve_in_simulation(
    loaded: LoadedPolicy,
    plan: Plan,
    cube: CubeModel,
    seed: int,
    perturb: PerturbationName | None = None,
    goal_timeout: int = 800,
    on_step: Callable[[SolveProgress], None] | None = None,
    on_frame: Callable[[mujoco.MjModel, mujoco.MjData, SolveProgress], None] | None = None,
    pose_source: PoseSource | None = None,
    recoveries: int = 0,
    replan: Replanner | None = None,
    square_first: float | None = None,
    square_radius: float | None = None,
    square_from_place: bool | None = None,
) -> SolveReport:
    """Run ``plan`` with the policy on the chosen cube; ``seed`` draws the episode's noise
    (from the evaluation seeds, never a training seed). With ``pose_source`` (a vision
    model) the policy sees its estimate of the cube's position and orientation; face angles
    still come from the cube itself, as from the original's sensor cube. Up to
    ``recoveries`` failed attempts are followed by a fresh one from the cube's actual state,
    planned by ``replan`` (default: the two-phase solver and the default scheduler). With
    ``square_first`` (rad) a rotation that would start with the cube turned farther than
    that off square waits behind a square goal (met within ``square_radius`` m of the rest
    point, if given, or of the cube's place where the policy was trained with
    ``square_from_place`` or ``square_from_place`` here is true; false measures from the rest
    point whatever the training), as ``eval policy --square-first`` has it."""
    config = evaluation_env(
        loaded.env, cube, perturbation=perturb, goal_timeout=goal_timeout,
        max_successes=10**6,  # plan-driven episodes end with their last subgoal
        square_first=square_first, square_radius=square_radius,
        **({} if square_from_place is None else {"square_from_place": square_from_place}),
    )  # fmt: skip
    env = CubeEnv(config)
    env.pose_source = pose_source
    replan = replan or _replan
    actor = PolicyActor(loaded.policy)
    dt = env.scene.config.control_dt
    started = time.perf_counter()
    current, recovered, done_before, drops, step, squares = plan, 0, 0, 0, 0, 0

    def report(drops_now: int, opening: bool = False, frame: bool = True) -> None:
        """Hand where the solve stands now to ``on_step`` (and ``on_frame`` if ``frame``)."""
        met = done_before + env.successes
        now = SolveProgress(
            step=step, subgoal=min(met, total - 1),
            kind=None if opening or env.goal is None else env.goal.kind, successes=met,
            subgoals_total=total, drops=drops_now, sim_seconds=step * dt,
            wall_seconds=time.perf_counter() - started, recoveries=recovered, opening=opening,
        )  # fmt: skip
        if on_step is not None:
            on_step(now)
        if on_frame is not None and frame:
            on_frame(env.scene.model, env.data, now)

    def opening(done_steps: int) -> None:
        """Report the hand opening after a goal: as the goal left it (0), then each step."""
        nonlocal step
        step += int(done_steps > 0)
        report(drops, opening=done_steps > 0)

    env.on_release_step = opening
    obs, info = env.reset(seed=_attempt_seed(seed, 0), options=_options(plan.start_state, plan))
    while True:
        total = done_before + len(current.subgoals)
        failure, done = None, not current.subgoals
        while not done:
            step += 1  # before the step: a hand opening inside it counts its own steps
            obs, _, terminated, truncated, info = env.step(actor.act_one(obs))
            done = terminated or truncated
            actor.after_step(np.array([done]), [info])
            failure = info["failure"]
            # After an opening its last step showed the hand: no second frame of it.
            report(drops + int(failure == "drop"), frame=not info["released"])
        done_before += int(info["successes"])  # 0 when the attempt had nothing to do
        drops += int(failure == "drop")
        squares += int(info["met"].get("square", 0))
        if failure is None or recovered >= recoveries:
            break
        # Put the cube back on the palm as it actually is, plan again and go on.
        recovered += 1
        state = env.state
        current = replan(state)
        actor = PolicyActor(loaded.policy)
        obs, info = env.reset(seed=_attempt_seed(seed, recovered), options=_options(state, current))
    solved = failure is None and env.state.is_solved()
    if failure is None and not solved:
        failure = "mismatch"  # the plan ran out, yet the cube is not solved
    return SolveReport(
        solved=solved, successes=done_before, subgoals_total=total, drops=drops,
        sim_seconds=round(step * dt, 2), wall_seconds=round(time.perf_counter() - started, 2),
        failure=failure, recoveries=recovered, square_goals=squares,
    )  # fmt: skip


def _replan(state: CubeState) -> Plan:
    """The default planner of recoveries: two-phase solver, default scheduler."""
    return schedule(state, Orientation.identity(), TwoPhaseSolver(), SchedulerConfig())


def _options(state: CubeState, attempt: Plan) -> dict[str, Any]:
    """Reset options that set up ``state`` and the subgoals of ``attempt``."""
    return {"state": state, "subgoals": list(attempt.subgoals)}


def _attempt_seed(seed: int, attempt: int) -> int:
    """Evaluation seed of attempt ``attempt`` (0 = the first) of the solve of ``seed``."""
    return EVAL_SEED_OFFSET + seed + attempt * 2**32


def draw_caption(frame: np.ndarray, text: str) -> np.ndarray:
    """``frame`` with ``text`` written in its top-left corner on a dark band."""
    from PIL import Image, ImageDraw

    image = Image.fromarray(frame)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, image.width, 14], fill=(0, 0, 0))
    draw.text((4, 2), text, fill=(255, 255, 255))
    return np.asarray(image)
