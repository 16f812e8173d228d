"""Policy training runs: config files, environments with ADR, logs and checkpoints.

This module wires the layers together (the simulator's batched environments and
randomization registry, the skills' PPO trainer and ADR); each of those stays ignorant of
the others.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from cubehand.config_files import load_yaml_config
from cubehand.sim.batched_env import BatchedCubeEnv
from cubehand.sim.env import EnvConfig, observation_sizes
from cubehand.sim.goal_places import goal_places
from cubehand.sim.goal_pose import stack_poses, unstack_poses
from cubehand.sim.goal_sequels import sum_goal_sequels
from cubehand.sim.goals import GOAL_KINDS
from cubehand.sim.randomization import PARAMETER_BY_NAME, PARAMETERS
from cubehand.sim.start_yaws import sum_start_yaws
from cubehand.skills.adr import ADR, AdrConfig, AdrParameter
from cubehand.skills.flip_curriculum import (
    ROTATE_DIRECTIONS,
    FlipCurriculum,
    FlipCurriculumConfig,
    sum_flip_outcomes,
)
from cubehand.skills.flip_place import FlipPlace, FlipPlaceConfig
from cubehand.skills.layer_lock import LayerLock, LayerLockConfig
from cubehand.skills.outcome_counts import sum_met_tried
from cubehand.skills.policy import NetworkConfig, Policy
from cubehand.skills.ppo import PPOConfig, PPOTrainer
from cubehand.skills.rotate_pose import RotatePose, RotatePoseConfig
from cubehand.skills.rotate_tilt import RotateTilt, RotateTiltConfig
from cubehand.skills.sharpen import sharpen_policy
from cubehand.skills.square_place import SquarePlace, SquarePlaceConfig
from cubehand.skills.start_spread import StartSpread, StartSpreadConfig
from cubehand.skills.stiffness_ramp import StiffnessRamp, StiffnessRampConfig
from cubehand.skills.success_ladder import SuccessLadder
from cubehand.solver.errors import CubeError

#: Training seeds stay below this; evaluation seeds start at it.
EVAL_SEED_OFFSET = 1_000_000


class ConfigError(CubeError):
    """A configuration file that cannot be used."""


class CheckpointError(CubeError):
    """A checkpoint that is missing or does not fit."""


class TrainConfig(BaseModel):
    """A whole training run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="run name; outputs go to runs/NAME")
    seed: int = Field(
        0, ge=0, lt=EVAL_SEED_OFFSET, description="training seed (evaluation seeds lie above)"
    )
    total_steps: int = Field(1_000_000, ge=1, description="environment steps to train for")
    n_envs: int = Field(16, ge=1)
    checkpoint_every: int = Field(10, ge=1, description="rollouts between checkpoints")
    tensorboard: bool = Field(True, description="also log scalars to runs/NAME/tensorboard")
    torch_threads: int = Field(
        1,
        ge=1,
        description="threads for the networks (the physics has its own); more than 1 "
        "made 16-environment runs 10x slower when another process shared the cores",
    )
    update_threads: int | None = Field(
        None,
        ge=1,
        description="threads for the networks during PPO's update, while the environments "
        "and their physics threads wait (2 halved the update's time on 2 cores); null: one "
        "per CPU core",
    )
    env: EnvConfig = Field(default_factory=EnvConfig)
    ppo: PPOConfig = Field(default_factory=PPOConfig)
    adr: AdrConfig | None = Field(default_factory=AdrConfig, description="null turns ADR off")
    flip_curriculum: FlipCurriculumConfig | None = Field(
        None, description="draw flip directions that fail more often more often; null: uniform"
    )
    rotate_directions: FlipCurriculumConfig | None = Field(
        None,
        description="draw the rotation direction (cw, ccw) that fails more often more often, "
        "by the flip curriculum's rule; null: each half the time",
    )
    layer_lock: LayerLockConfig | None = Field(
        None,
        description="damp the faces a goal does not turn, less as rotations succeed "
        "(cubehand.skills.layer_lock); null: the cube as built",
    )
    stiffness_ramp: StiffnessRampConfig | None = Field(
        None,
        description="start the cube's breakaway and detent torques low and raise them as "
        "rotations succeed (cubehand.skills.stiffness_ramp); null: the cube as built",
    )
    start_spread: StartSpreadConfig | None = Field(
        None,
        description="drop the cube at its usual place at first and widen env.start_offset "
        "and env.start_yaw as goals succeed (cubehand.skills.start_spread); null: as "
        "configured from the start",
    )
    flip_place: FlipPlaceConfig | None = Field(
        None,
        description="tighten, as flips succeed, the place where a flip counts as met: the cube "
        "near its place and square with the hand, rotations square with square_rotations "
        "and near their place with place_rotations (cubehand.skills.flip_place); null: goals "
        "judged as configured",
    )
    rotate_tilt: RotateTiltConfig | None = Field(
        None,
        description="tighten, as rotations succeed, how flat on the palm a rotation must leave "
        "the cube (env.rotate_tilt; cubehand.skills.rotate_tilt); null: env.rotate_tilt as "
        "configured",
    )
    rotate_pose: RotatePoseConfig | None = Field(
        None,
        description="tighten, as rotations succeed, how near the start pose a rotation must "
        "leave the hand's joint targets (env.rotate_pose; cubehand.skills.rotate_pose); null: "
        "env.rotate_pose as configured",
    )
    square_place: SquarePlaceConfig | None = Field(
        None,
        description="tighten, as square goals succeed, how near its rest point (or with "
        "env.square_from_place its place) a square goal must leave the cube "
        "(env.square_radius; cubehand.skills.square_place); null: env.square_radius as "
        "configured",
    )
    test_ladders_count_restarts: bool = Field(
        True,
        description="whether the goal-test ladders (flip_place, square_place, rotate_tilt, "
        "rotate_pose) also count the goals of episodes restarted from a recorded goal pose "
        "(env.goal_restarts); false: fresh episodes only, so that the harder goals practised "
        "from goal poses do not loosen the tests that fresh goals are judged by",
    )
    restart_reach: StartSpreadConfig | None = Field(
        None,
        description="scale both ends of env.restart_blend by a fraction that starts at 0 (the "
        "settled start) and widens as restarted episodes meet a goal, by the rule of "
        "start_spread with one try per restarted episode (window, widen_at and narrow_at "
        "count episodes): a reverse curriculum whose restarts follow the frontier of what "
        "the policy meets; null: restart_blend as configured",
    )
    adr_parameters: list[str] = Field(
        default_factory=lambda: [p.name for p in PARAMETERS if p.name != "cube_size"],
        description="registry parameters that ADR controls",
    )


def load_train_config(path: Path) -> TrainConfig:
    """Read a YAML config.

    Raises:
        ConfigError: naming the file and what is wrong with it.
    """
    config = load_yaml_config(path, TrainConfig, ConfigError)
    unknown = [name for name in config.adr_parameters if name not in PARAMETER_BY_NAME]
    if unknown:
        raise ConfigError(f"{path}: adr_parameters: unknown parameter {unknown[0]!r}")
    return config


def adr_parameters(names: list[str]) -> list[AdrParameter]:
    """ADR's view of registry parameters."""
    return [
        AdrParameter(p.name, p.nominal, p.limits, p.step)
        for p in (PARAMETER_BY_NAME[name] for name in names)
    ]


class TrainingRun:
    """Environments, trainer, ADR, log and checkpoint of one run."""

    def __init__(self, config: TrainConfig, out_dir: Path) -> None:
        torch.set_num_threads(config.torch_threads)
        self._writer = None
        self.config = config
        self.out_dir = out_dir
        self.adr = (
            None
            if config.adr is None
            else ADR(adr_parameters(config.adr_parameters), config.adr,
                     np.random.default_rng([config.seed, 1]))
        )  # fmt: skip
        self.env = BatchedCubeEnv(config.n_envs, config.env, episode_ranges=self._episode_ranges)
        self.trainer = PPOTrainer(
            self.env, observation_sizes(), config.ppo, config.seed,
            on_episode_end=self._episode_end,
            update_threads=config.update_threads or os.cpu_count() or 1,
        )  # fmt: skip
        self.flip_curriculum = (
            None if config.flip_curriculum is None else FlipCurriculum(config.flip_curriculum)
        )
        self.rotate_directions = (
            None
            if config.rotate_directions is None
            else FlipCurriculum(config.rotate_directions, ROTATE_DIRECTIONS)
        )
        self._share_direction_weights()
        self.layer_lock = None if config.layer_lock is None else LayerLock(config.layer_lock)
        self.stiffness_ramp = (
            None if config.stiffness_ramp is None else StiffnessRamp(config.stiffness_ramp)
        )
        self.start_spread = (
            None if config.start_spread is None else StartSpread(config.start_spread)
        )
        self.restart_reach = (
            None if config.restart_reach is None else StartSpread(config.restart_reach)
        )
        self.flip_place = None if config.flip_place is None else FlipPlace(config.flip_place)
        self.square_place = (
            None if config.square_place is None else SquarePlace(config.square_place)
        )
        self.rotate_tilt = None if config.rotate_tilt is None else RotateTilt(config.rotate_tilt)
        self.rotate_pose = None if config.rotate_pose is None else RotatePose(config.rotate_pose)
        self._share_ladders()
        self.wall_seconds = 0.0
        self.recent: list[dict[str, Any]] = []

    def _episode_ranges(self, index: int):
        if self.adr is None:
            return {}, None
        return self.adr.episode_ranges()

    def _adr_performance(self, info: dict[str, Any]) -> float:
        """An episode's performance for ADR: its successes, plus its met square goals where
        ``adr.count_square_goals`` says so."""
        squares = info["met"].get("square", 0) if self.adr.config.count_square_goals else 0
        return float(info["successes"] + squares)

    def _episode_end(self, index: int, info: dict[str, Any]) -> None:
        self.recent.append(info)
        if self.adr is not None and (self.adr.config.count_restarts or not info.get("restarted")):
            self.adr.record(info.get("episode_tag"), self._adr_performance(info))
        if self.flip_curriculum is not None:
            self.flip_curriculum.record(info["flips"])
        if self.rotate_directions is not None:
            self.rotate_directions.record(info["rotations"])
        if self.layer_lock is not None:
            self.layer_lock.record(info["met"]["rotate"], info["attempts"]["rotate"])
        if self.stiffness_ramp is not None:
            self.stiffness_ramp.record(info["met"]["rotate"], info["attempts"]["rotate"])
        if self.start_spread is not None and not info.get("restarted"):
            # The spread displaces fresh starts only; restarts begin at recorded goal poses.
            self.start_spread.record_episode(info["met"], info["attempts"])
        blended = info.get("banked") or self.config.env.blend_goal_restarts
        if self.restart_reach is not None and info.get("restarted") and blended:
            # Whether the restart led to a goal at all: later goals of the episode start
            # from where that goal left the hand and say nothing about the restart's share.
            self.restart_reach.record(int(info["successes"] > 0), 1)
        if self.config.test_ladders_count_restarts or not info.get("restarted"):
            for ladder in (self.flip_place, self.square_place, self.rotate_tilt, self.rotate_pose):
                if ladder is not None:
                    ladder.record_episode(info["met"], info["attempts"])

    def _share_direction_weights(self) -> None:
        """Hand the curricula's flip-direction weights and chance of a counter-clockwise
        rotation to every environment."""
        weights = None if self.flip_curriculum is None else self.flip_curriculum.weights()
        ccw = 0.5 if self.rotate_directions is None else self.rotate_directions.weights()["ccw"]
        for env in self.env.envs:
            env.flip_weights = weights
            env.ccw_probability = ccw

    def _ladders(self) -> dict[str, SuccessLadder | None]:
        """The success-ladder curricula by their checkpoint keys (None where off)."""
        return {
            "layer_lock": self.layer_lock,
            "stiffness_ramp": self.stiffness_ramp,
            "start_spread": self.start_spread,
            "restart_reach": self.restart_reach,
            "flip_place": self.flip_place,
            "square_place": self.square_place,
            "rotate_tilt": self.rotate_tilt,
            "rotate_pose": self.rotate_pose,
        }

    def _share_ladders(self) -> None:
        """Hand every environment the values of the success-ladder curricula: layer lock (0
        without one), stiffness, start-spread and restart-reach fractions (1 without them),
        the flip and square tests' places and the rotation's tilt and pose (the env config's
        without them)."""
        values = {
            "layer_lock": 0.0 if self.layer_lock is None else self.layer_lock.value,
            "cube_stiffness": 1.0 if self.stiffness_ramp is None else self.stiffness_ramp.value,
            "start_spread": 1.0 if self.start_spread is None else self.start_spread.value,
            "restart_reach": 1.0 if self.restart_reach is None else self.restart_reach.value,
        }
        if self.flip_place is not None:  # otherwise the env config's flip place stands
            place = self.flip_place
            if place.config.flips:
                values |= {"flip_radius": place.radius, "flip_square": place.square}
            if place.config.square_rotations:
                values["rotate_square"] = place.square
            if place.config.place_rotations:
                values["rotate_radius"] = place.radius
        if self.square_place is not None:
            values["square_radius"] = self.square_place.radius
        if self.rotate_tilt is not None:
            values["rotate_tilt"] = self.rotate_tilt.tilt
        if self.rotate_pose is not None:
            values["rotate_pose"] = self.rotate_pose.pose
        for env in self.env.envs:
            for name, value in values.items():
                setattr(env, name, value)

    def run(self, on_rollout: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Train until ``total_steps``, logging each rollout and checkpointing regularly."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        rollouts = 0
        while self.trainer.steps < self.config.total_steps:
            tic = time.perf_counter()
            stats = self.trainer.train_rollout()
            self._share_direction_weights()
            self._share_ladders()
            elapsed = time.perf_counter() - tic
            self.wall_seconds += elapsed
            rollouts += 1
            record = self._log_record(stats, elapsed)
            with (self.out_dir / "log.jsonl").open("a") as log:
                log.write(json.dumps(record) + "\n")
            self._tensorboard(record)
            if on_rollout is not None:
                on_rollout(record)
            if rollouts % self.config.checkpoint_every == 0:
                self.save()
        self.save()
        if self._writer is not None:
            self._writer.close()

    def _tensorboard(self, record: dict[str, Any]) -> None:
        """Scalars of one log record (ADR ranges as adr/NAME/low|high, flip-direction weights
        as flip_weight/DIRECTION)."""
        if not self.config.tensorboard:
            return
        if self._writer is None:
            from torch.utils.tensorboard import SummaryWriter

            self._writer = SummaryWriter(str(self.out_dir / "tensorboard"))
        step = record["steps"]
        for key, value in record.items():
            if isinstance(value, int | float) and key != "steps":
                self._writer.add_scalar(key, value, step)
        for name, (low, high) in record.get("adr_ranges", {}).items():
            self._writer.add_scalar(f"adr/{name}/low", low, step)
            self._writer.add_scalar(f"adr/{name}/high", high, step)
        for direction, weight in record.get("flip_weights", {}).items():
            self._writer.add_scalar(f"flip_weight/{direction}", weight, step)

    def _log_record(self, stats, elapsed: float) -> dict[str, Any]:
        episodes, self.recent = self.recent, []
        record: dict[str, Any] = {
            "steps": self.trainer.steps,
            "wall_seconds": round(self.wall_seconds, 2),
            "steps_per_second": stats.steps / elapsed,
            "collect_seconds": stats.collect_seconds,
            "update_seconds": stats.update_seconds,
            "mean_reward": stats.mean_reward,
            "episodes": len(episodes),
            **stats.losses,
        }
        if episodes:
            record["mean_successes"] = float(np.mean([e["successes"] for e in episodes]))
            record["most_successes"] = int(max(e["successes"] for e in episodes))
            for kind in GOAL_KINDS:
                tried = sum(e["attempts"].get(kind, 0) for e in episodes)
                met = sum(e["met"].get(kind, 0) for e in episodes)
                record[f"{kind}_success_rate"] = met / tried if tried else None
                record[f"{kind}_met"], record[f"{kind}_tried"] = met, tried
            record["drop_rate"] = float(np.mean([e["failure"] == "drop" for e in episodes]))
            # direction: [met, tried]
            record["flip_directions"] = sum_flip_outcomes(e["flips"] for e in episodes)
            record["rotate_directions"] = sum_met_tried(
                (e["rotations"] for e in episodes), ROTATE_DIRECTIONS
            )
            record["goal_sequels"] = sum_goal_sequels(e["sequels"] for e in episodes)
            record["start_yaws"] = sum_start_yaws(e["start_yaws"] for e in episodes)
            record.update(goal_places(episodes))
            restarted = [e for e in episodes if e.get("restarted")]
            if restarted:  # episodes started from a recorded goal pose (``goal_restarts``)
                record["restarted_episodes"] = len(restarted)
                record["restarted_mean_successes"] = float(
                    np.mean([e["successes"] for e in restarted])
                )
                record["restarted_rotate_met"] = sum(e["met"]["rotate"] for e in restarted)
                record["restarted_rotate_tried"] = sum(e["attempts"]["rotate"] for e in restarted)
            shares = [e["restart_share"] for e in episodes if e.get("restart_share") is not None]
            if shares and min(shares) < 1.0:  # blended restarts (``restart_blend``)
                far = [e["successes"] for e in episodes if (e.get("restart_share") or 0) >= 0.5]
                record["restarted_mean_share"] = float(np.mean(shares))
                record["restarted_far_episodes"] = len(far)
                record["restarted_far_mean_successes"] = float(np.mean(far)) if far else None
        if self.flip_curriculum is not None:
            record["flip_weights"] = self.flip_curriculum.weights()
        if self.rotate_directions is not None:
            record["ccw_probability"] = self.rotate_directions.weights()["ccw"]
        if self.layer_lock is not None:
            record["layer_lock"] = self.layer_lock.value
        if self.stiffness_ramp is not None:
            record["cube_stiffness"] = self.stiffness_ramp.value
        if self.start_spread is not None:
            record["start_spread"] = self.start_spread.value
        if self.restart_reach is not None:
            record["restart_reach"] = self.restart_reach.value
        if self.flip_place is not None:
            record["flip_place"] = self.flip_place.value
        if self.square_place is not None:
            record["square_radius"] = self.square_place.radius
        if self.rotate_tilt is not None:
            record["rotate_tilt"] = self.rotate_tilt.tilt
        if self.rotate_pose is not None:
            record["rotate_pose"] = self.rotate_pose.pose
        if self.adr is not None:
            record["adr_entropy"] = self.adr.entropy()
            record["adr_ranges"] = {k: list(v) for k, v in self.adr.ranges.items()}
        return record

    def save(self) -> Path:
        """Write the checkpoint (atomically) and return its path."""
        path = self.out_dir / "checkpoint.pt"
        state = {
            "trainer": self.trainer.state_dict(),
            "adr": None if self.adr is None else self.adr.state_dict(),
            "flip_curriculum": (
                None if self.flip_curriculum is None else self.flip_curriculum.state_dict()
            ),
            "rotate_directions": (
                None if self.rotate_directions is None else self.rotate_directions.state_dict()
            ),
            **{
                name: None if ladder is None else ladder.state_dict()
                for name, ladder in self._ladders().items()
            },
            "restart_poses": self._restart_poses_state(),
            "config": self.config.model_dump(mode="json"),
            "wall_seconds": self.wall_seconds,
        }
        save_checkpoint(state, path)
        return path

    def _restart_poses_state(self) -> dict[str, Any] | None:
        """Every environment's recorded goal poses (``env.goal_restarts``), with what they
        were recorded after, so that a resumed run restarts from them at once."""
        env = self.config.env
        if not env.goal_restarts:
            return None
        return {
            "restart_after": env.restart_after,
            "release_steps": env.release_steps,
            "envs": [
                {k: torch.from_numpy(v) for k, v in stack_poses(e.goal_poses).items()}
                if e.goal_poses else None
                for e in self.env.envs
            ],
        }  # fmt: skip

    def _load_restart_poses(self, saved: Mapping[str, Any] | None) -> None:
        """Give the environments the goal poses a checkpoint kept, where they were recorded
        as this run records them (same ``restart_after`` and ``release_steps``); environments
        beyond the checkpoint's start empty."""
        env = self.config.env
        if saved is None or not env.goal_restarts:
            return
        recorded_as = (saved["restart_after"], saved["release_steps"])
        if recorded_as != (env.restart_after, env.release_steps):
            return
        for cube_env, poses in zip(self.env.envs, saved["envs"], strict=False):
            cube_env.goal_poses.clear()
            if poses is not None:
                cube_env.goal_poses.extend(unstack_poses({k: v.numpy() for k, v in poses.items()}))

    def resume(self, path: Path) -> None:
        """Continue from a checkpoint: networks, normalizers, optimizer, ADR, counters,
        curricula and the recorded goal poses that restarts draw from.

        Environments start fresh episodes (their mid-episode physics is not saved).

        Raises:
            CheckpointError: if the file is missing or does not fit this configuration.
        """
        state = load_checkpoint(path)
        try:
            self.trainer.load_state_dict(state["trainer"])
            if self.adr is not None and state["adr"] is not None:
                self.adr.load_state_dict(state["adr"])
            if self.flip_curriculum is not None and state.get("flip_curriculum") is not None:
                self.flip_curriculum.load_state_dict(state["flip_curriculum"])
            if self.rotate_directions is not None and state.get("rotate_directions") is not None:
                self.rotate_directions.load_state_dict(state["rotate_directions"])
            self._share_direction_weights()
            for name, ladder in self._ladders().items():
                if ladder is not None and state.get(name) is not None:
                    ladder.load_state_dict(state[name])
            self._share_ladders()
            self._load_restart_poses(state.get("restart_poses"))
        except (RuntimeError, ValueError, KeyError, TypeError) as error:
            message = " ".join(str(error).split())[:200]
            raise CheckpointError(f"{path} does not fit this configuration: {message}") from None
        self.wall_seconds = float(state.get("wall_seconds", 0.0))
        self._truncate_log(self.trainer.steps)

    def _truncate_log(self, steps: int) -> None:
        """Drop log lines written after the checkpoint (a run stopped between checkpoints),
        so that the resumed run's lines follow on without repeats."""
        log = self.out_dir / "log.jsonl"
        if not log.is_file():
            return
        lines = log.read_text().splitlines()
        kept = [line for line in lines if json.loads(line)["steps"] <= steps]
        if len(kept) != len(lines):
            log.write_text("".join(line + "\n" for line in kept))


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Load a checkpoint safely (``weights_only``).

    Raises:
        CheckpointError: if it is missing or unreadable.
    """
    if not path.is_file():
        raise CheckpointError(f"checkpoint {path} does not exist")
    try:
        return torch.load(path, weights_only=True)
    except Exception as error:  # torch raises several types for a bad file
        raise CheckpointError(
            f"cannot read checkpoint {path}: not a checkpoint written by cubehand "
            f"({type(error).__name__})"
        ) from None


def save_checkpoint(state: dict[str, Any], path: Path) -> None:
    """Write a checkpoint ``state`` to ``path`` atomically (a partial file, then renamed), so
    that an interrupted write never leaves a broken checkpoint."""
    partial = path.with_suffix(".pt.partial")
    torch.save(state, partial)
    partial.replace(path)


def policy_with_weights(network: NetworkConfig, weights: Mapping[str, Any], path: Path) -> Policy:
    """A policy network of ``network``'s sizes holding ``weights`` (read from ``path``).

    Raises:
        CheckpointError: if the weights do not fit the network.
    """
    policy = Policy(observation_sizes(), network)
    try:
        policy.load_state_dict(weights)
    except RuntimeError as error:
        message = " ".join(str(error).split())[:200]
        raise CheckpointError(f"{path} does not fit the policy network: {message}") from None
    return policy


def policy_from_checkpoint(state: Mapping[str, Any], path: Path) -> Policy:
    """The policy held in a checkpoint ``state`` that :func:`load_checkpoint` read from
    ``path``.

    Raises:
        CheckpointError: if the state holds no policy, or one that does not fit its network.
    """
    try:
        network = NetworkConfig.model_validate(state["config"]["ppo"]["network"])
        weights = state["trainer"]["policy"]
    except (KeyError, TypeError, ValueError) as error:
        message = " ".join(str(error).split())[:200]
        raise CheckpointError(f"{path} is not a policy checkpoint: {message}") from None
    return policy_with_weights(network, weights, path)


def sharpen_checkpoint(source: Path, out: Path, temperature: float) -> None:
    """Write ``source`` again as ``out`` with its policy's logits divided by ``temperature``
    (:func:`~cubehand.skills.sharpen.sharpen_policy`); everything else (critic, optimizer,
    ADR, curricula, steps) unchanged, so that a run resumed from ``out`` goes on as before
    but draws sharper actions. ``out`` is written atomically.

    Raises:
        CheckpointError: if ``source`` is missing, unreadable or not a policy checkpoint.
    """
    state = load_checkpoint(source)
    policy = policy_from_checkpoint(state, source)
    sharpen_policy(policy, temperature)
    state["trainer"]["policy"] = policy.state_dict()
    save_checkpoint(state, out)
