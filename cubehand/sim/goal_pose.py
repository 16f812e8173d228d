"""Hand-and-cube poses kept at goals met, and poses part way between two of them.

Restarting training episodes from where earlier goals left the hand and the cube
(``EnvConfig.goal_restarts``) shows the policy the situation of every goal after the first.
When that situation is too hard to learn from directly, :func:`blend_poses` gives the
stepping stones of a reverse curriculum: the hand's joints and targets part way from the
episode's settled start to the goal pose, and the cube part way between its two places
relative to the palm.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import mujoco
import numpy as np


class GoalPose(NamedTuple):
    """The hand and the cube when a goal was met (``EnvConfig.goal_restarts``)."""

    joints: np.ndarray  # qpos of JOINT_NAMES
    joint_speeds: np.ndarray
    targets: np.ndarray  # the actuators' joint targets
    cube: np.ndarray  # the cube's free joint: position and quaternion (model +z up)


def stack_poses(poses: Sequence[GoalPose]) -> dict[str, np.ndarray]:
    """``poses`` (at least one) as one array per field, stacked in order (for checkpoints)."""
    if not poses:
        raise ValueError("stack_poses needs at least one pose")
    return {field: np.stack([getattr(pose, field) for pose in poses]) for field in GoalPose._fields}


def unstack_poses(stacked: Mapping[str, np.ndarray]) -> list[GoalPose]:
    """The poses that :func:`stack_poses` stacked, in the same order."""
    count = len(stacked["joints"])
    return [GoalPose(*(np.array(stacked[f][i]) for f in GoalPose._fields)) for i in range(count)]


def blend_poses(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    joint_qpos: np.ndarray,
    palm: int,
    start: GoalPose,
    goal: GoalPose,
    share: float,
) -> GoalPose:
    """The pose ``share`` of the way from ``start`` to ``goal`` (0: start, 1: goal).

    Joint angles, speeds and targets are interpolated linearly. The cube's place and
    orientation relative to the palm are interpolated (straight line, shortest rotation)
    and put back in the world at the blended hand's palm. The goal's cube is first turned
    about its model +z by the quarter turn that brings it nearest the start's, a symmetry of
    both cube models, so the blend does not spin it needlessly. ``data`` is scratch: its
    joint angles are overwritten for the kinematics.
    """
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must lie in [0, 1], got {share}")

    def between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return a + share * (b - a)

    joints = between(start.joints, goal.joints)
    start_place, start_turn = relative_to_palm(model, data, joint_qpos, palm, start)
    goal_place, goal_turn = relative_to_palm(model, data, joint_qpos, palm, goal)
    goal_turn = nearest_up_symmetric(goal_turn, start_turn)
    place = between(start_place, goal_place)
    turn = slerp(start_turn, goal_turn, share)
    return GoalPose(
        joints=joints,
        joint_speeds=between(start.joint_speeds, goal.joint_speeds),
        targets=between(start.targets, goal.targets),
        cube=cube_on_palm(model, data, joint_qpos, palm, joints, place, turn),
    )


def slerp(a: np.ndarray, b: np.ndarray, share: float) -> np.ndarray:
    """Unit quaternion ``share`` of the way from ``a`` to ``b`` along the shortest rotation."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a @ b < 0.0:
        b = -b
    cosine = min(1.0, float(a @ b))
    angle = np.arccos(cosine)
    if angle < 1e-9:
        return a.copy()
    mixed = (np.sin((1.0 - share) * angle) * a + np.sin(share * angle) * b) / np.sin(angle)
    return mixed / np.linalg.norm(mixed)


def palm_pose(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    joint_qpos: np.ndarray,
    palm: int,
    joints: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """World position and quaternion of the palm with the hand's joints at ``joints``."""
    data.qpos[joint_qpos] = joints
    mujoco.mj_kinematics(model, data)
    return data.xpos[palm].copy(), data.xquat[palm].copy()


def cube_on_palm(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    joint_qpos: np.ndarray,
    palm: int,
    joints: np.ndarray,
    place: np.ndarray,
    turn: np.ndarray,
) -> np.ndarray:
    """The cube's free joint (world position and quaternion) at ``place`` and ``turn``
    relative to the palm (as :func:`relative_to_palm` gives them) of the hand at ``joints``."""
    palm_position, palm_quat = palm_pose(model, data, joint_qpos, palm, joints)
    cube = np.empty(7)
    palm_matrix = np.empty(9)
    mujoco.mju_quat2Mat(palm_matrix, palm_quat)
    cube[:3] = palm_position + palm_matrix.reshape(3, 3) @ place
    mujoco.mju_mulQuat(cube[3:], palm_quat, turn)
    return cube


def relative_to_palm(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    joint_qpos: np.ndarray,
    palm: int,
    pose: GoalPose,
) -> tuple[np.ndarray, np.ndarray]:
    """The cube's place (palm frame, m) and orientation (quaternion, palm to cube)."""
    position, quat = palm_pose(model, data, joint_qpos, palm, pose.joints)
    matrix = np.empty(9)
    mujoco.mju_quat2Mat(matrix, quat)
    place = matrix.reshape(3, 3).T @ (pose.cube[:3] - position)
    inverse = np.empty(4)
    mujoco.mju_negQuat(inverse, quat)
    turn = np.empty(4)
    mujoco.mju_mulQuat(turn, inverse, pose.cube[3:7])
    return place, turn


def nearest_up_symmetric(turn: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``turn`` with the cube's model frame turned by the quarter turn about its +z that
    brings it nearest ``reference``."""
    best, best_dot = turn, -1.0
    for quarter in range(4):
        half = quarter * np.pi / 4
        spin = np.array([np.cos(half), 0.0, 0.0, np.sin(half)])
        candidate = np.empty(4)
        mujoco.mju_mulQuat(candidate, turn, spin)
        dot = abs(float(candidate @ reference))
        if dot > best_dot:
            best, best_dot = candidate, dot
    return best
