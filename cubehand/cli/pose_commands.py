"""``cubehand train poses``: a pose bank of where a policy's goals leave the hand and cube;
``cubehand train pose-parts``: a bank that keeps some parts of another's poses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer

from cubehand.cli.policy_runs import (
    ROTATE_PROBABILITY,
    Envs,
    GoalTimeout,
    Physics,
    ReleasePose,
    ReleaseSteps,
    evaluate_with_progress,
)
from cubehand.evaluation import (
    SHIPPED_WEIGHTS,
    evaluation_env,
    load_policy,
    physics_ranges,
)
from cubehand.sim.env import CubeEnv
from cubehand.sim.goal_pose import GoalPose
from cubehand.sim.pose_bank import save_pose_bank
from cubehand.sim.pose_parts import POSE_PARTS, unknown_pose_parts
from cubehand.sim.scene import CubeModel
from cubehand.solver.errors import CubeError
from cubehand.training import EVAL_SEED_OFFSET


def record_poses(
    weights: Annotated[Path, typer.Option(help="safetensors file or checkpoint")] = SHIPPED_WEIGHTS,
    out: Annotated[Path, typer.Option(help=".npz pose bank to write")] = Path("poses.npz"),
    goals: Annotated[
        Literal["curriculum", "rotate", "flip"],
        typer.Option(help="the goals the policy is given: curriculum, rotate only or flip only"),
    ] = "flip",
    after: Annotated[
        Literal["flip", "rotate", "any"],
        typer.Option(help="keep the poses after met goals of this kind"),
    ] = "flip",
    cube: Annotated[CubeModel, typer.Option(help="full or locked")] = "full",
    episodes: Annotated[int, typer.Option(help="episodes in all")] = 96,
    seed: Annotated[int, typer.Option(help="a training seed, unless --evaluation-seeds")] = 0,
    evaluation_seeds: Annotated[
        bool,
        typer.Option(
            "--evaluation-seeds",
            help="draw from the evaluation seed range instead (a bank for `eval policy "
            "--start-bank`; never train from it)",
        ),
    ] = False,
    physics: Physics = "nominal",
    goal_timeout: GoalTimeout = 800,
    release_steps: ReleaseSteps = None,
    release_pose: ReleasePose = None,
    temperature: Annotated[
        float, typer.Option(help="0: greedy actions; above 0: drawn (1: as in training)")
    ] = 0.0,
    envs: Envs = 8,
) -> None:
    """Run a policy's episodes and write the hand and cube after each met goal of --after,
    as the next goal finds them (after the hand has opened), for `env.bank_restarts`."""
    if episodes < 1 or envs < 1:
        raise CubeError(f"--episodes and --envs must be at least 1, got {episodes} and {envs}")
    if temperature < 0:
        raise CubeError(f"--temperature must be at least 0, got {temperature}")
    if not 0 <= seed < EVAL_SEED_OFFSET:
        raise CubeError(f"--seed must lie in [0, {EVAL_SEED_OFFSET}), got {seed}")
    _check_bank_out(out)
    policy, trained = load_policy(weights)
    ranges = physics_ranges(physics)
    given = {"release_steps": release_steps, "release_pose": release_pose}
    config = evaluation_env(
        trained, cube, goal_timeout=goal_timeout, rotate_probability=ROTATE_PROBABILITY[goals],
        **{name: value for name, value in given.items() if value is not None},
    )  # fmt: skip
    poses: list[GoalPose] = []
    result = evaluate_with_progress(
        "poses", policy, config, episodes, seed, ranges, n_envs=envs, temperature=temperature,
        poses=poses, poses_after=after, seed_offset=EVAL_SEED_OFFSET if evaluation_seeds else 0,
    )  # fmt: skip
    save_pose_bank(poses, out)
    seeds = "evaluation" if evaluation_seeds else "training"
    print(json.dumps({
        "out": str(out), "poses": len(poses), "after": after, "goals": goals,
        "episodes": result["episodes"], "mean_successes": result["mean_successes"],
        "seed": seed, "seeds": seeds, "weights": str(weights), "physics": physics,
        "release_steps": config.release_steps, "release_pose": config.release_pose,
    }))  # fmt: skip


def keep_pose_parts(
    bank: Annotated[Path, typer.Option(help="the .npz pose bank to take parts from")],
    keep: Annotated[
        str,
        typer.Option(
            help="comma-separated parts of each pose to keep: hand (joints and targets), "
            "place (the cube on the palm; across or along keeps one direction of it), yaw "
            "(its turn about the palm normal), tilt "
            "(the rest of its turn, with its height); the rest come from the usual start"
        ),
    ],
    out: Annotated[Path, typer.Option(help=".npz pose bank to write")],
    weights: Annotated[
        Path, typer.Option(help="safetensors file or checkpoint whose start to use")
    ] = SHIPPED_WEIGHTS,
    cube: Annotated[CubeModel, typer.Option(help="full or locked")] = "full",
    seed: Annotated[int, typer.Option(help="seed of the fresh episode that gives the start")] = 0,
) -> None:
    """Write a bank of BANK's poses with only the --keep parts kept and the rest as the
    policy's usual settled start (nominal physics, undisplaced): with `eval policy
    --start-bank`, it shows which part of a pose stops a policy."""
    parts = [part.strip() for part in keep.split(",") if part.strip()]
    if not parts or unknown_pose_parts(parts):
        raise CubeError(f"--keep takes parts among {', '.join(POSE_PARTS)}; got {keep!r}")
    _check_bank_out(out)
    _, trained = load_policy(weights)
    # The bank is loaded (and checked) by the environment; its episodes start fresh.
    env = CubeEnv(evaluation_env(trained, cube, restart_bank=bank, bank_restarts=0.0))
    env.reset(seed=seed)
    save_pose_bank([env.pose_with_parts(pose, parts) for pose in env.pose_bank], out)
    print(json.dumps({
        "out": str(out), "poses": len(env.pose_bank), "kept": parts, "bank": str(bank),
        "weights": str(weights), "cube": cube, "seed": seed,
    }))  # fmt: skip


def _check_bank_out(out: Path) -> None:
    """Refuse an ``--out`` that is not a ``.npz`` in an existing folder (nothing written)."""
    if out.suffix != ".npz":
        raise CubeError(f"--out must name a .npz file, got {out}")
    if not out.parent.is_dir():
        raise CubeError(f"--out: folder {out.parent} does not exist")
