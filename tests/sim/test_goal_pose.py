"""Poses part way between the settled start and a recorded goal pose."""

from __future__ import annotations

import mujoco
import numpy as np
import pytest

from cubehand.sim.env import CubeEnv, EnvConfig
from cubehand.sim.goal_pose import GoalPose, blend_poses, slerp, stack_poses, unstack_poses
from cubehand.sim.scene import SceneConfig


def _quat_about_z(angle: float) -> np.ndarray:
    return np.array([np.cos(angle / 2), 0.0, 0.0, np.sin(angle / 2)])


def test_slerp_goes_the_short_way_at_constant_speed():
    start, end = _quat_about_z(0.0), _quat_about_z(np.pi / 2)
    assert np.allclose(slerp(start, end, 0.0), start)
    assert np.allclose(slerp(start, end, 1.0), end)
    assert np.allclose(slerp(start, end, 0.5), _quat_about_z(np.pi / 4))
    assert np.allclose(slerp(start, -end, 0.5), _quat_about_z(np.pi / 4))  # the same rotation


def _rotation(quat: np.ndarray) -> np.ndarray:
    matrix = np.empty(9)
    mujoco.mju_quat2Mat(matrix, quat)
    return matrix.reshape(3, 3)


@pytest.fixture(scope="module")
def hand_and_poses():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), start_pose="mid"))
    env.reset(seed=0)
    start = GoalPose(
        joints=env.data.qpos[env._joint_qpos].copy(), joint_speeds=np.zeros(len(env._joint_dof)),
        targets=env.target.copy(), cube=env.data.qpos[env.scene.cube_qpos].copy(),
    )  # fmt: skip
    cube = start.cube.copy()
    cube[:3] += np.array([0.02, -0.01, 0.005])
    turned = np.empty(4)
    mujoco.mju_mulQuat(turned, _quat_about_z(2.0), start.cube[3:])  # about the world's z
    cube[3:] = turned
    goal = GoalPose(
        joints=start.joints + 0.2, joint_speeds=np.full(len(start.joint_speeds), 0.4),
        targets=start.targets + 0.1, cube=cube,
    )  # fmt: skip
    return env, start, goal


def _palm(env: CubeEnv, joints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    env.data.qpos[env._joint_qpos] = joints
    mujoco.mj_kinematics(env.scene.model, env.data)
    palm = env._palm_body
    return env.data.xpos[palm].copy(), env.data.xmat[palm].reshape(3, 3).copy()


def _blend(env: CubeEnv, start: GoalPose, goal: GoalPose, share: float) -> GoalPose:
    return blend_poses(
        env.scene.model, env.data, env._joint_qpos, env._palm_body, start, goal, share
    )


def test_the_ends_of_a_blend_are_the_start_and_the_goal_up_to_a_quarter_turn(hand_and_poses):
    env, start, goal = hand_and_poses
    at_start = _blend(env, start, goal, 0.0)
    assert np.allclose(at_start.joints, start.joints) and np.allclose(at_start.cube, start.cube)
    assert np.allclose(at_start.joint_speeds, 0.0) and np.allclose(at_start.targets, start.targets)
    at_goal = _blend(env, start, goal, 1.0)
    assert np.allclose(at_goal.joints, goal.joints) and np.allclose(at_goal.targets, goal.targets)
    assert np.allclose(at_goal.cube[:3], goal.cube[:3])
    # The same cube shape, its model frame turned by a quarter turn about its +z: 2.0 rad
    # of turn about the (palm-up) z is brought to 2.0 - pi/2, nearer the start.
    relative = _rotation(goal.cube[3:]).T @ _rotation(at_goal.cube[3:])
    assert np.allclose(relative[:, 2], [0, 0, 1], atol=1e-9)
    assert np.isclose(np.arctan2(relative[1, 0], relative[0, 0]), -np.pi / 2)


def test_half_way_the_cube_lies_half_way_between_its_places_on_the_palm(hand_and_poses):
    env, start, goal = hand_and_poses
    half = _blend(env, start, goal, 0.5)
    assert np.allclose(half.joints, start.joints + 0.1)
    assert np.allclose(half.joint_speeds, 0.2) and np.allclose(half.targets, start.targets + 0.05)
    places = []
    for pose in (start, goal, half):
        position, rotation = _palm(env, pose.joints)
        places.append(rotation.T @ (pose.cube[:3] - position))
    assert np.allclose(places[2], (places[0] + places[1]) / 2, atol=1e-9)
    with pytest.raises(ValueError, match="share"):
        _blend(env, start, goal, 1.5)


def test_poses_stack_by_field_and_unstack_in_order():
    poses = [GoalPose(np.full(3, i), np.full(3, -i), np.full(2, 2 * i), np.full(7, 0.1 * i))
             for i in range(3)]  # fmt: skip
    stacked = stack_poses(poses)
    assert stacked["joints"].shape == (3, 3) and stacked["cube"].shape == (3, 7)
    back = unstack_poses(stacked)
    assert all(np.array_equal(a, b) for p, q in zip(poses, back, strict=True)
               for a, b in zip(p, q, strict=True))  # fmt: skip
    with pytest.raises(ValueError, match="at least one"):
        stack_poses([])
