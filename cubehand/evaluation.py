"""Evaluating a trained policy: episodes of curriculum goals on held-out seeds.

Evaluation seeds live in their own range (``EVAL_SEED_OFFSET`` and up; training seeds must
stay below it), each environment runs the same number of episodes (so short episodes are
not over-counted), and the policy acts greedily (the most likely bin of each head).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
import yaml
from pydantic import ValidationError
from safetensors.torch import load_file, save_file

from cubehand.config_files import first_fault
from cubehand.goal_starts import GoalStart, GoalStartRecorder
from cubehand.sim.batched_env import BatchedCubeEnv
from cubehand.sim.env import EnvConfig, observation_sizes
from cubehand.sim.goal_places import goal_places
from cubehand.sim.goal_pose import GoalPose
from cubehand.sim.goal_sequels import sum_goal_endings, sum_goal_sequels
from cubehand.sim.randomization import PARAMETERS, check_range
from cubehand.sim.scene import SceneConfig
from cubehand.sim.start_yaws import sum_start_yaws
from cubehand.skills.flip_curriculum import FLIP_DIRECTIONS, ROTATE_DIRECTIONS, sum_flip_outcomes
from cubehand.skills.outcome_counts import sum_met_tried
from cubehand.skills.policy import NetworkConfig, Policy
from cubehand.skills.ppo import draw_bins, fresh_memory
from cubehand.solver.errors import CubeError
from cubehand.training import (
    EVAL_SEED_OFFSET,
    CheckpointError,
    ConfigError,
    load_checkpoint,
    policy_from_checkpoint,
    policy_with_weights,
)

SHIPPED_WEIGHTS = Path(__file__).parent / "skills" / "weights" / "policy.safetensors"


def physics_within(
    spread: float, latency: float, action_noise: float, observation_noise: float
) -> dict[str, tuple[float, float]]:
    """Every model parameter scaled within +-``spread`` (inside its hard limits), action
    latency up to ``latency`` steps, action noise up to ``action_noise`` bins, observation
    noise and bias up to ``observation_noise``."""
    return {
        **{
            p.name: (max(p.limits[0], 1.0 - spread), min(p.limits[1], 1.0 + spread))
            for p in PARAMETERS
            if p.target == "model"
        },
        "action_latency": (0.0, latency),
        "action_noise": (0.0, action_noise),
        "obs_noise": (0.0, observation_noise),
        "obs_bias": (0.0, observation_noise),
    }


#: Held-out physics: every model parameter scaled within +-25% (inside its hard limits),
#: up to one step of action latency and light observation noise. Fixed and documented;
#: training's ADR ranges are logged separately and never set from this.
HELDOUT_RANGES = physics_within(0.25, latency=1.0, action_noise=0.3, observation_noise=0.002)

#: Wide physics: every model parameter scaled within +-50% (inside its hard limits: gravity
#: and the timestep stop at +-20% and +-10%), up to two steps of action latency, half a bin
#: of action noise and more observation noise than ``heldout``: beyond the ranges ADR runs
#: have reached for the scaled parameters (``heldout`` now lies inside them), not for the
#: observation noise. Fixed, like ``heldout``.
WIDE_RANGES = physics_within(0.5, latency=2.0, action_noise=0.5, observation_noise=0.005)


class LoadedPolicy(NamedTuple):
    """A policy and the environment settings it was trained with."""

    policy: Policy
    env: EnvConfig


def save_policy(policy: Policy, env: EnvConfig, path: Path) -> None:
    """Write a policy as safetensors with its network and environment configs as metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "network": policy.config.model_dump_json(),
        "env": env.model_dump_json(),
        "sizes": json.dumps(observation_sizes()),
    }
    save_file(policy.state_dict(), str(path), metadata=metadata)


def evaluation_env(trained: EnvConfig, cube: str, **updates: Any) -> EnvConfig:
    """The training environment's settings (action scale, start pose, tolerances) on the
    chosen cube model: the training cube's parameters if it is the same model, the
    nominal ones of that model otherwise.

    Raises:
        CubeError: naming the first setting that does not validate (``--square-first``
            beyond pi/4, a radius at 0, ...).
    """
    scene = trained.scene
    if cube != scene.cube:
        scene = SceneConfig(cube=cube)  # type: ignore[arg-type]
    scene = scene.model_copy(update={"perturbation": updates.pop("perturbation", None)})
    # Evaluations end an episode at its first goal timeout, whatever training allowed, start
    # with the cube where it settles by itself on the open hand, its faces at their zero
    # (never from a recorded goal pose; displaced, with its faces turned or from a pose bank
    # only where ``updates`` ask for it, as ``eval policy --start-offset``,
    # ``--start-face-turns``, ``--start-bank``)
    # and draw flips in all four directions (a training probe may have left some out).
    # A goal is judged with the cube anywhere on the palm (the default ``palm_radius``) and
    # tilted up to ``orientation_tolerance``, however near its place and flat training asked
    # for it, unless ``updates`` ask for a flip place (``eval policy --flip-radius``,
    # ``--flip-square``) or a rotation place (``--rotate-square``, ``--rotate-radius``,
    # ``--rotate-tilt``, ``--rotate-pose``). Square goals come before rotations only where
    # ``updates`` ask for them (``--square-first``, ``--square-radius``). The hand opens
    # between goals (``release_steps``) as it did in training.
    fixed = {
        "timeouts_allowed": 0, "start_offset": 0.0, "start_yaw": 0.0, "goal_restarts": 0.0,
        "bank_restarts": 0.0, "restart_bank": None, "restart_blend": (1.0, 1.0),
        "restart_rotate_probability": None,
        "start_face_turns": False,
        "flip_directions": FLIP_DIRECTIONS,
        "palm_radius": EnvConfig.model_fields["palm_radius"].default, "centre_weight": 0.0,
        "square_weight": 0.0, "flip_radius": None, "flip_square": None, "rotate_square": None,
        "rotate_radius": None, "rotate_tilt": None, "rotate_pose": None,
        "square_first": None, "square_radius": None,
    }  # fmt: skip
    settings = trained.model_dump() | {"scene": scene, **fixed, **updates}
    try:
        return EnvConfig.model_validate(settings)
    except ValidationError as fault:
        where, value, message = first_fault(fault)
        raise CubeError(f"evaluation setting {where}={value!r}: {message}") from None


def load_policy(path: Path) -> LoadedPolicy:
    """A policy (and its training environment) from a safetensors file or a checkpoint.

    Raises:
        CheckpointError: if the file is missing or does not fit the network.
    """
    if not path.is_file():
        hint = " (no weights ship yet; pass --weights)" if path == SHIPPED_WEIGHTS else ""
        raise CheckpointError(f"policy weights {path} do not exist{hint}")
    if path.suffix == ".safetensors":
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
        network = NetworkConfig.model_validate_json(metadata.get("network", "{}"))
        env = EnvConfig.model_validate_json(metadata.get("env", "{}"))
        policy = policy_with_weights(network, load_file(str(path)), path)
    else:
        state = load_checkpoint(path)
        policy = policy_from_checkpoint(state, path)
        env = EnvConfig.model_validate(state["config"]["env"])
    policy.eval()
    return LoadedPolicy(policy, env)


def load_weights_into(path: Path, target: Policy) -> None:
    """Copy a trained policy's weights and normalizers into ``target`` (to start PPO or a
    further cloning run from them).

    Raises:
        CheckpointError: if the file is missing, unreadable, or holds another network.
    """
    source = load_policy(path).policy
    if source.config != target.config:
        raise CheckpointError(
            f"{path} has another network than this run's config: "
            f"{source.config.model_dump(exclude_defaults=True)} against "
            f"{target.config.model_dump(exclude_defaults=True)}"
        )
    target.load_state_dict(source.state_dict())


def physics_ranges(physics: str) -> dict[str, tuple[float, float]]:
    """``nominal``, ``heldout``, ``wide`` or a YAML file of names to values or [low, high].

    Raises:
        ConfigError: for an unreadable file or an unknown or out-of-limits parameter.
    """
    if physics == "nominal":
        return {}
    if physics == "heldout":
        return dict(HELDOUT_RANGES)
    if physics == "wide":
        return dict(WIDE_RANGES)
    path = Path(physics)
    if not path.is_file():
        raise ConfigError(
            f"--physics must be nominal, heldout, wide or a YAML file; {path} does not exist"
        )
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must map parameter names to values or [low, high]")
    ranges = {}
    for name, value in data.items():
        bounds = (value, value) if isinstance(value, int | float) else tuple(value)
        try:
            ranges[name] = check_range(str(name), bounds)  # type: ignore[arg-type]
        except (ValueError, TypeError) as error:
            raise ConfigError(f"{path}: {error}") from None
    return ranges


class PolicyActor:
    """Acts for ``n_envs`` environments, carrying the policy's LSTM state from step to step:
    greedily (the likeliest bin of each head) at ``temperature`` 0, otherwise by drawing from
    each head's distribution with its logits divided by ``temperature`` (1: as PPO samples;
    below 1: nearer the greedy action), from ``generator``."""

    def __init__(
        self,
        policy: Policy,
        n_envs: int = 1,
        temperature: float = 0.0,
        generator: torch.Generator | None = None,
    ) -> None:
        if temperature < 0:
            raise ValueError(f"temperature must be at least 0, got {temperature}")
        if temperature > 0 and generator is None:
            raise ValueError("a sampling actor (temperature above 0) needs a seeded generator")
        self.policy = policy
        self.temperature = temperature
        self.generator = generator
        self.state = policy.trunk.initial_state(n_envs)
        self.starts = torch.ones(1, n_envs)

    @torch.no_grad()
    def act(self, obs: Mapping[str, np.ndarray]) -> np.ndarray:
        """Actions (n_envs, actuators) for observations batched as (n_envs, size)."""
        tensors = {k: torch.as_tensor(v).unsqueeze(0) for k, v in obs.items()}
        dist, self.state = self.policy(tensors, self.state, self.starts)
        self.starts = torch.zeros_like(self.starts)
        if self.temperature == 0:
            return dist.probs.argmax(-1)[0].numpy()
        probs = torch.softmax(dist.logits[0] / self.temperature, dim=-1)
        return draw_bins(probs, self.generator).numpy()

    def act_one(self, obs: Mapping[str, np.ndarray]) -> np.ndarray:
        """The action for one environment's unbatched observations."""
        return self.act({k: v[None] for k, v in obs.items()})[0]

    def episodes_ended(self, done: np.ndarray) -> None:
        """Start fresh LSTM states where ``done`` is true, at the next step."""
        self.starts = torch.as_tensor(done, dtype=torch.float32).unsqueeze(0)

    def after_step(self, done: np.ndarray, infos: Sequence[Mapping[str, Any]]) -> None:
        """Start fresh LSTM states where an episode ended or the environment restarts the
        memory (info ``fresh_memory``: the hand opened, or a goal met with
        ``memory_per_goal``), as in training."""
        self.episodes_ended(np.logical_or(done, fresh_memory(infos)))


def evaluate_policy(
    policy: Policy,
    config: EnvConfig,
    episodes: int,
    seed: int,
    ranges: Mapping[str, tuple[float, float]],
    n_envs: int = 8,
    on_episode: Callable[[], None] | None = None,
    temperature: float = 0.0,
    goal_starts: list[GoalStart] | None = None,
    poses: list[GoalPose] | None = None,
    poses_after: str = "any",
    seed_offset: int = EVAL_SEED_OFFSET,
) -> dict[str, Any]:
    """Run ``episodes`` episodes (the same number per environment) and summarise them;
    greedy actions, or drawn at ``temperature`` (see :class:`PolicyActor`) from a generator
    seeded by ``seed``. Where ``goal_starts`` is a list, the counted episodes' goals are
    added to it (:mod:`cubehand.goal_starts`); where ``poses`` is a list, the hand and cube
    after the counted episodes' met goals of kind ``poses_after`` (or ``any``), as the next
    goal finds them (:mod:`cubehand.sim.pose_bank`). Seeds count from ``seed_offset``: the
    evaluation range, unless a caller records training material (``cubehand train poses``)."""
    n_envs = max(1, min(n_envs, episodes))
    quota = [episodes // n_envs + (1 if i < episodes % n_envs else 0) for i in range(n_envs)]
    batch = BatchedCubeEnv(n_envs, config, ranges=ranges)
    finished: list[list[dict[str, Any]]] = [[] for _ in range(n_envs)]
    try:
        if poses is not None:
            for index, env in enumerate(batch.envs):
                env.on_goal_pose = _pose_keeper(poses, poses_after, finished[index], quota[index])
        obs = batch.reset(seed=seed_offset + seed)
        generator = torch.Generator().manual_seed(seed_offset + seed)
        actor = PolicyActor(policy, n_envs, temperature, generator if temperature else None)
        recorder = None if goal_starts is None else GoalStartRecorder(batch.envs)
        while any(len(done) < want for done, want in zip(finished, quota, strict=True)):
            obs, _, terminated, truncated, infos = batch.step(actor.act(obs))
            done = np.logical_or(terminated, truncated)
            actor.after_step(done, infos)
            if recorder is not None:
                counted = [len(ended) < want for ended, want in zip(finished, quota, strict=True)]
                recorder.after_step(infos, done, counted)
            for index in np.flatnonzero(done):
                if len(finished[index]) < quota[index]:
                    finished[index].append(infos[index])
                    if on_episode is not None:
                        on_episode()
    finally:
        batch.close()
    if recorder is not None:
        goal_starts += recorder.starts
    return summarize([info for env in finished for info in env], config, seed) | {
        "temperature": temperature
    }


def _pose_keeper(
    poses: list[GoalPose], kind: str, finished: list[Any], quota: int
) -> Callable[[str, GoalPose], None]:
    """An ``on_goal_pose`` that adds poses after goals of ``kind`` (or ``any``) to ``poses``
    while the environment's episodes are still counted (fewer than ``quota`` finished)."""

    def keep(met: str, pose: GoalPose) -> None:
        if kind in ("any", met) and len(finished) < quota:
            poses.append(pose)

    return keep


def summarize(episodes: list[dict[str, Any]], config: EnvConfig, seed: int) -> dict[str, Any]:
    """The figures ``cubehand eval policy`` prints."""
    successes = [e["successes"] for e in episodes]

    def rate(kind: str) -> float | None:
        tried = sum(e["attempts"].get(kind, 0) for e in episodes)
        return sum(e["met"].get(kind, 0) for e in episodes) / tried if tried else None

    return {
        "episodes": len(episodes),
        "mean_successes": float(np.mean(successes)),
        "median_successes": float(np.median(successes)),
        "most_successes": int(max(successes)),
        "rotate_success_rate": rate("rotate"),
        "flip_success_rate": rate("flip"),
        "square_success_rate": rate("square"),
        "drop_rate": float(np.mean([e["failure"] == "drop" for e in episodes])),
        "flip_directions": sum_flip_outcomes(e["flips"] for e in episodes),
        "rotate_directions": sum_met_tried((e["rotations"] for e in episodes), ROTATE_DIRECTIONS),
        "goal_sequels": sum_goal_sequels(e["sequels"] for e in episodes),
        "goal_endings": sum_goal_endings(episodes),
        "start_yaws": sum_start_yaws(e["start_yaws"] for e in episodes),
        **goal_places(episodes),
        "cube": config.scene.cube,
        "seed": seed,
        "release_steps": config.release_steps,
    }
