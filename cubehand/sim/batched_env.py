"""Many subgoal environments stepped together, their physics spread over threads.

MuJoCo releases the GIL inside ``mj_step``. Each thread takes a fixed share of the
environments through a whole step (actions, physics, tracking, rewards, observations), so
one thread's physics runs while another's Python holds the GIL. Finished environments are
given their next seed (and ranges) in index order, then reset on the threads; the info of
the finished episode is returned. Every environment draws only from its own generator, so
the result does not depend on how the threads interleave.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from cubehand.sim.env import CubeEnv, EnvConfig
from cubehand.sim.stepping import run_substeps


class BatchedCubeEnv:
    """``n_envs`` copies of :class:`CubeEnv`, each with its own seed and physics draw.

    Args:
        n_envs: number of environments.
        config: settings shared by all of them.
        ranges: randomization ranges shared by all of them (updated between episodes).
        threads: threads for the physics; defaults to the number of CPU cores.
        episode_ranges: called with an environment's index before each of its episodes;
            returns that episode's ranges and a tag (such as ADR's pinned boundary) that is
            handed back in the finished episode's info as ``episode_tag``.
    """

    def __init__(
        self,
        n_envs: int,
        config: EnvConfig | None = None,
        ranges: Mapping[str, tuple[float, float]] | None = None,
        threads: int | None = None,
        episode_ranges: Callable[[int], tuple[Mapping[str, tuple[float, float]], Any]]
        | None = None,
    ) -> None:
        if n_envs < 1:
            raise ValueError(f"n_envs must be at least 1, got {n_envs}")
        self.envs = [CubeEnv(config, ranges) for _ in range(n_envs)]
        self.threads = max(1, min(threads or os.cpu_count() or 1, n_envs))
        self._pool = ThreadPoolExecutor(max_workers=self.threads)
        self._shares = [list(range(i, n_envs, self.threads)) for i in range(self.threads)]
        self._episodes = 0
        self._seed = 0
        self.episode_ranges = episode_ranges
        self._tags: list[Any] = [None] * n_envs

    @property
    def n_envs(self) -> int:
        """Number of environments."""
        return len(self.envs)

    def goal_kinds(self) -> list[str | None]:
        """Kind of the goal each environment works on now (``rotate``, ``flip``, or None)."""
        return [None if env.goal is None else env.goal.kind for env in self.envs]

    def set_ranges(self, ranges: Mapping[str, tuple[float, float]]) -> None:
        """New randomization ranges, used from each environment's next episode on."""
        for env in self.envs:
            env.ranges = dict(ranges)

    def reset(self, seed: int) -> dict[str, np.ndarray]:
        """Reset every environment; environment ``i`` of episode ``k`` gets its own seed."""
        self._seed = seed
        self._episodes = 0
        observations = self._reset_envs(list(range(self.n_envs)))
        return _stack([observations[i] for i in range(self.n_envs)])

    def step(
        self, actions: np.ndarray
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]]]:
        """Step every environment once; returns stacked observations, rewards, terminated,
        truncated and infos (the info of an episode that just ended, before its reset)."""
        actions = np.asarray(actions)
        if actions.shape[0] != self.n_envs:
            raise ValueError(f"need {self.n_envs} actions, got {actions.shape[0]}")
        results: list[Any] = [None] * self.n_envs

        def step_share(share: list[int]) -> None:
            for index in share:
                env = self.envs[index]
                env.prepare_step(actions[index])
                run_substeps(env.scene, env.data)
                results[index] = env.finish_step()

        list(self._pool.map(step_share, self._shares))
        observations, rewards, terminated, truncated, infos = map(list, zip(*results, strict=True))
        ended = [i for i in range(self.n_envs) if terminated[i] or truncated[i]]
        for index in ended:
            infos[index] = infos[index] | {"episode_tag": self._tags[index]}
        for index, obs in self._reset_envs(ended).items():
            observations[index] = obs
        return (
            _stack(observations), np.array(rewards, dtype=np.float32),
            np.array(terminated), np.array(truncated), infos,
        )  # fmt: skip

    def close(self) -> None:
        """Stop the physics threads."""
        self._pool.shutdown()

    def _reset_envs(self, indices: list[int]) -> dict[int, dict[str, np.ndarray]]:
        """Reset the given environments: seeds and ranges in index order, physics threaded."""
        seeds = {}
        for index in indices:
            if self.episode_ranges is not None:
                ranges, self._tags[index] = self.episode_ranges(index)
                self.envs[index].ranges = dict(ranges)
            seeds[index] = self._next_seed()
        observations: dict[int, dict[str, np.ndarray]] = {}

        def reset_share(share: list[int]) -> None:
            for index in share:
                if index in seeds:
                    observations[index] = self.envs[index].reset(seed=seeds[index])[0]

        list(self._pool.map(reset_share, self._shares))
        return observations

    def _next_seed(self) -> int:
        # Distinct, reproducible seeds: the base seed, then one stream per episode started.
        seed = int(np.random.SeedSequence([self._seed, self._episodes]).generate_state(1)[0])
        self._episodes += 1
        return seed


def _stack(observations: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {name: np.stack([obs[name] for obs in observations]) for name in observations[0]}
