"""Simulation speed: control steps per second for each cube model, alone and batched."""

from __future__ import annotations

import time

import mujoco
import numpy as np

from cubehand.sim.batched_env import BatchedCubeEnv
from cubehand.sim.env import ACTION_BINS, EnvConfig
from cubehand.sim.scene import CubeModel, SceneConfig, build_scene
from cubehand.sim.stepping import control_step, hand_ctrl_range, rest_ctrl, settle


def single_env_speed(cube: CubeModel, steps: int, seed: int) -> float:
    """Control steps per second of one environment on one thread, with random actions.

    Actions move each joint target by up to 5% of its range per step (seeded); the cube
    first settles on the palm (not timed).
    """
    scene = build_scene(SceneConfig(cube=cube))
    data = mujoco.MjData(scene.model)
    settle(scene, data)
    rng = np.random.default_rng(seed)
    low, high = hand_ctrl_range(scene)
    ctrl = rest_ctrl(scene)
    deltas = rng.uniform(-0.05, 0.05, size=(steps, len(low))) * (high - low)
    tic = time.perf_counter()
    for delta in deltas:
        ctrl = np.clip(ctrl + delta, low, high)
        control_step(scene, data, ctrl)
    return steps / (time.perf_counter() - tic)


def batched_env_speed(cube: CubeModel, n_envs: int, steps: int, seed: int) -> float:
    """Environment steps per second of :class:`BatchedCubeEnv` on all cores.

    Includes everything a trainer pays for: actions, physics, face tracking, goal tests,
    rewards and observation assembly (random actions, seeded; resets not timed apart).
    """
    batch = BatchedCubeEnv(n_envs, EnvConfig(scene=SceneConfig(cube=cube)))
    try:
        batch.reset(seed=seed)
        actions = np.random.default_rng(seed).integers(0, ACTION_BINS, (steps, n_envs, 20))
        tic = time.perf_counter()
        for action in actions:
            batch.step(action)
        return steps * n_envs / (time.perf_counter() - tic)
    finally:
        batch.close()
