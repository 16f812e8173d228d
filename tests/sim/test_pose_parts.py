"""Poses that keep some parts of a recorded pose and take the rest from the settled start."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from cubehand.sim.env import CubeEnv, EnvConfig
from cubehand.sim.goal_pose import GoalPose, relative_to_palm
from cubehand.sim.pose_parts import POSE_PARTS, swing_twist
from cubehand.sim.scene import SceneConfig


def _about(axis: list[float], angle: float) -> np.ndarray:
    unit = np.asarray(axis, dtype=float) / np.linalg.norm(axis)
    return np.concatenate([[np.cos(angle / 2)], np.sin(angle / 2) * unit])


def _times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty(4)
    mujoco.mju_mulQuat(out, a, b)
    return out


def _same_turn(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.isclose(abs(float(a @ b)), 1.0, atol=1e-9))


def test_a_turn_splits_into_a_twist_about_the_axis_and_a_swing_across_it():
    axis = np.array([0.0, -1.0, 0.0])
    twist_in, swing_in = _about(axis, 0.7), _about([1.0, 0.0, 0.3], 0.4)
    swing, twist = swing_twist(_times(swing_in, twist_in), axis)
    assert _same_turn(twist, twist_in) and _same_turn(swing, swing_in)
    # A turn across the axis has no twist; a half turn across it is all swing.
    swing, twist = swing_twist(_about([0.0, 0.0, 1.0], np.pi), axis)
    assert _same_turn(twist, np.array([1.0, 0.0, 0.0, 0.0]))
    assert _same_turn(swing, _about([0.0, 0.0, 1.0], np.pi))


@pytest.fixture(scope="module")
def env_and_pose():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), start_pose="mid"))
    env.reset(seed=0)
    start = env._start_pose
    # The recorded pose: other joints and targets, the cube moved along the palm and up,
    # turned about the palm normal and tilted across it.
    model, data, joint_qpos, palm = env.scene.model, env.data, env._joint_qpos, env._palm_body
    joints = start.joints + 0.1
    place, turn = relative_to_palm(model, data, joint_qpos, palm, start)
    moved = place + np.array([0.01, 0.004, -0.02])  # palm y is minus the palm normal
    changed = _times(_times(_about([1.0, 0.0, 0.0], 0.3), _about([0.0, -1.0, 0.0], 0.5)), turn)
    data.qpos[joint_qpos] = joints
    mujoco.mj_kinematics(model, data)
    rotation = data.xmat[palm].reshape(3, 3)
    cube = np.concatenate([data.xpos[palm] + rotation @ moved, _times(data.xquat[palm], changed)])
    pose = GoalPose(joints, np.full(len(joints), 0.2), start.targets + 0.05, cube)
    return env, start, pose, (place, turn, moved, changed)


def _cube_on_palm(env: CubeEnv, pose: GoalPose) -> tuple[np.ndarray, np.ndarray]:
    return relative_to_palm(env.scene.model, env.data, env._joint_qpos, env._palm_body, pose)


def test_all_parts_give_the_pose_and_none_the_start(env_and_pose):
    env, start, pose, _ = env_and_pose
    whole = env.pose_with_parts(pose, POSE_PARTS)
    assert np.allclose(whole.joints, pose.joints) and np.allclose(whole.targets, pose.targets)
    assert np.allclose(whole.cube[:3], pose.cube[:3]) and _same_turn(whole.cube[3:], pose.cube[3:])
    bare = env.pose_with_parts(pose, ())
    assert np.allclose(bare.joints, start.joints) and np.allclose(bare.cube[:3], start.cube[:3])
    assert _same_turn(bare.cube[3:], start.cube[3:])


def test_each_part_carries_only_its_own_change(env_and_pose):
    env, start, pose, (place, turn, moved, _) = env_and_pose
    placed = env.pose_with_parts(pose, ["place"])
    at, turned = _cube_on_palm(env, placed)
    assert np.allclose(at, [moved[0], place[1], moved[2]]) and _same_turn(turned, turn)
    # across and along keep one direction of the place each (hand x = palm x, hand y = palm z)
    at, _ = _cube_on_palm(env, env.pose_with_parts(pose, ["across"]))
    assert np.allclose(at, [moved[0], place[1], place[2]])
    at, _ = _cube_on_palm(env, env.pose_with_parts(pose, ["along"]))
    assert np.allclose(at, [place[0], place[1], moved[2]])
    both, _ = _cube_on_palm(env, env.pose_with_parts(pose, ["across", "along"]))
    assert np.allclose(both, _cube_on_palm(env, placed)[0])
    yawed = env.pose_with_parts(pose, ["yaw"])
    at, turned = _cube_on_palm(env, yawed)
    assert np.allclose(at, place) and _same_turn(turned, _times(_about([0, -1, 0], 0.5), turn))
    tilted = env.pose_with_parts(pose, ["tilt"])
    at, turned = _cube_on_palm(env, tilted)
    assert np.allclose(at, [place[0], moved[1], place[2]])  # the height goes with the tilt
    assert _same_turn(turned, _times(_about([1.0, 0.0, 0.0], 0.3), turn))
    # The hand alone: the pose's joints, speeds and targets, the cube where the start's
    # palm held it.
    hand = env.pose_with_parts(pose, ["hand"])
    assert np.allclose(hand.joints, pose.joints) and np.allclose(hand.joint_speeds, 0.2)
    at, turned = _cube_on_palm(env, hand)
    assert np.allclose(at, place) and _same_turn(turned, turn)
    assert not np.allclose(hand.cube[:3], start.cube[:3])  # the palm moved with the wrist


def test_unknown_parts_and_a_missing_start_are_refused(env_and_pose):
    env, _, pose, _ = env_and_pose
    with pytest.raises(ValueError, match="unknown pose parts"):
        env.pose_with_parts(pose, ["grip"])
    fresh = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked")))
    with pytest.raises(RuntimeError, match="settled start"):
        fresh.pose_with_parts(pose, ["hand"])
