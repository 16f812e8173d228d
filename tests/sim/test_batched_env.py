"""Batched stepping: the same results as stepping alone, in parallel, with auto-reset."""

import numpy as np
import pytest

from cubehand.sim.batched_env import BatchedCubeEnv
from cubehand.sim.env import ACTION_BINS, EnvConfig
from cubehand.sim.scene import SceneConfig

CONFIG = EnvConfig(scene=SceneConfig(cube="locked"))


def _run(threads, steps=8, seed=5, config=CONFIG):
    batch = BatchedCubeEnv(3, config, threads=threads)
    try:
        obs = batch.reset(seed=seed)
        rng = np.random.default_rng(seed)
        rewards, ends = [], []
        for _ in range(steps):
            obs, reward, terminated, truncated, _ = batch.step(
                rng.integers(0, ACTION_BINS, (3, 20))
            )
            rewards.append(reward)
            ends.append(terminated | truncated)
        return obs, np.array(rewards), np.array(ends)
    finally:
        batch.close()


def test_threads_do_not_change_results():
    # Goals time out every 3 steps, so episodes end and restart on the threads as well.
    config = CONFIG.model_copy(update={"goal_timeout": 3})
    obs_one, rewards_one, ends_one = _run(threads=1, config=config)
    obs_two, rewards_two, ends_two = _run(threads=2, config=config)
    assert ends_one.sum() >= 6
    assert np.array_equal(ends_one, ends_two)
    assert np.array_equal(rewards_one, rewards_two)
    for name in obs_one:
        assert obs_one[name].shape[0] == 3
        assert np.array_equal(obs_one[name], obs_two[name])


def test_environments_get_different_seeds():
    obs, *_ = _run(threads=2, steps=2)
    assert not np.array_equal(obs["fingertips"][0], obs["fingertips"][1])


def test_finished_environment_resets_and_reports_its_episode():
    batch = BatchedCubeEnv(2, CONFIG, threads=2)
    try:
        batch.reset(seed=0)
        batch.envs[1].data.qvel[batch.envs[1].scene.cube_dof] = 1e12
        noop = np.full((2, 20), (ACTION_BINS - 1) // 2)
        _, _, terminated, _, infos = batch.step(noop)
        assert list(terminated) == [False, True]
        assert infos[1]["failure"] == "unstable"
        assert batch.envs[1].goal_steps == 0  # already reset
        with pytest.raises(ValueError, match="need 2 actions"):
            batch.step(noop[:1])
    finally:
        batch.close()
