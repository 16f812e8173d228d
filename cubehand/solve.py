"""A whole solve in simulation: plan, then the policy executes every subgoal in turn.

The environment is given the scheduler's subgoals; after each subgoal it checks the cube's
tracked state against the state the plan expects (a disagreement ends the run as a
``mismatch``), and a drop or a goal that is not met in time ends it too. Nothing is
retried: the report says how far the hand got and why it stopped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import mujoco
import numpy as np

from cubehand.evaluation import EVAL_SEED_OFFSET, GreedyActor, LoadedPolicy, evaluation_env
from cubehand.sim.env import CubeEnv, PoseSource
from cubehand.sim.perturbations import PerturbationName
from cubehand.sim.scene import CubeModel
from cubehand.skills.scheduler import Plan


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


@dataclass
class SolveReport:
    """How a solve ended (what ``cubehand solve --json`` prints)."""

    solved: bool
    successes: int
    subgoals_total: int
    drops: int
    sim_seconds: float
    wall_seconds: float
    failure: str | None

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
) -> SolveReport:
    """Run ``plan`` with the policy on the chosen cube; ``seed`` draws the episode's noise
    (from the evaluation seeds, never a training seed). With ``pose_source`` (a vision
    model) the policy sees its estimate of the cube's position and orientation; face angles
    still come from the cube itself, as from the original's sensor cube."""
    config = evaluation_env(
        loaded.env, cube, perturbation=perturb, goal_timeout=goal_timeout,
        max_successes=len(plan.subgoals) + 1,
    )  # fmt: skip
    env = CubeEnv(config)
    env.pose_source = pose_source
    total = len(plan.subgoals)
    started = time.perf_counter()
    obs, info = env.reset(
        seed=EVAL_SEED_OFFSET + seed,
        options={"state": plan.start_state, "subgoals": list(plan.subgoals)},
    )
    actor = GreedyActor(loaded.policy)
    dt = env.scene.config.control_dt
    step, failure, done = 0, None, total == 0
    while not done:
        obs, _, terminated, truncated, info = env.step(actor.act_one(obs))
        step += 1
        done = terminated or truncated
        failure = info["failure"]
        progress = SolveProgress(
            step=step, subgoal=min(info["successes"], total - 1), kind=info["goal"],
            successes=info["successes"], subgoals_total=total,
            drops=int(failure == "drop"), sim_seconds=step * dt,
            wall_seconds=time.perf_counter() - started,
        )  # fmt: skip
        if on_step is not None:
            on_step(progress)
        if on_frame is not None:
            on_frame(env.scene.model, env.data, progress)
    solved = failure is None and info["successes"] == total and env.state.is_solved()
    return SolveReport(
        solved=solved, successes=int(info["successes"]), subgoals_total=total,
        drops=int(failure == "drop"), sim_seconds=round(step * dt, 2),
        wall_seconds=round(time.perf_counter() - started, 2), failure=failure,
    )  # fmt: skip


def draw_caption(frame: np.ndarray, text: str) -> np.ndarray:
    """``frame`` with ``text`` written in its top-left corner on a dark band."""
    from PIL import Image, ImageDraw

    image = Image.fromarray(frame)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, image.width, 14], fill=(0, 0, 0))
    draw.text((4, 2), text, fill=(255, 255, 255))
    return np.asarray(image)
