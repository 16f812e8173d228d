"""Poses that take some parts from one pose and the rest from another.

A rotation that fails from where a flip left the cube may fail for the grip, the cube's
place on the palm, its turn about the palm normal or its tilt. :func:`mix_pose_parts`
takes the named parts from a recorded pose and the rest from the settled start, so an
evaluation from such poses (``cubehand train pose-parts``, then ``eval policy
--start-bank``) shows which part stops the policy. The parts:

- ``hand``: the joints, their speeds and their targets (the palm moves with the wrist; the
  cube's place and turn are kept relative to the palm);
- ``place``: the cube's place on the palm (hand x and y), or one of them: ``across`` (hand
  x, from the thumb's side to the little finger's) or ``along`` (hand y, from the wrist to
  the fingertips);
- ``yaw``: the cube's turn about the palm normal;
- ``tilt``: the rest of its turn (tilted off the palm), with its height above the palm,
  since a cube resting on an edge stands higher.
"""

from __future__ import annotations

from collections.abc import Collection

import mujoco
import numpy as np

from cubehand.sim.goal_pose import GoalPose, cube_on_palm, nearest_up_symmetric, relative_to_palm

POSE_PARTS = ("hand", "place", "across", "along", "yaw", "tilt")
# The palm normal in the palm body's frame (hand z = -palm y, see hand_frame).
_NORMAL = np.array([0.0, -1.0, 0.0])
# The palm body's axes that lie in the palm: hand x (across) is palm x, hand y (along the
# fingers) is palm z; ``place`` keeps both.
_PLACE_AXES = {"across": 0, "along": 2}
_HEIGHT_AXIS = 1


def unknown_pose_parts(parts: Collection[str]) -> list[str]:
    """The names in ``parts`` that are not :data:`POSE_PARTS`, sorted."""
    return sorted(set(parts) - set(POSE_PARTS))


def swing_twist(turn: np.ndarray, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split unit quaternion ``turn`` into ``swing * twist``: ``twist`` about the unit
    ``axis``, ``swing`` about an axis perpendicular to it."""
    projected = (turn[1:] @ axis) * axis
    twist = np.concatenate([[turn[0]], projected])
    norm = np.linalg.norm(twist)
    # A half turn about a perpendicular axis leaves no twist to speak of.
    twist = np.array([1.0, 0.0, 0.0, 0.0]) if norm < 1e-9 else twist / norm
    inverse = np.empty(4)
    mujoco.mju_negQuat(inverse, twist)
    swing = np.empty(4)
    mujoco.mju_mulQuat(swing, turn, inverse)
    return swing, twist


def mix_pose_parts(
    model: mujoco.MjModel,
    data: mujoco.MjData,
    joint_qpos: np.ndarray,
    palm: int,
    start: GoalPose,
    pose: GoalPose,
    parts: Collection[str],
) -> GoalPose:
    """``pose``'s ``parts`` (of :data:`POSE_PARTS`), the rest ``start``'s.

    The cube's turn relative to the palm is split about the palm normal into a yaw and a
    tilt after turning ``pose``'s cube by the quarter turn about its +z nearest the start's
    (a symmetry of both cube models). ``data`` is scratch: its joint angles are overwritten
    for the kinematics.
    """
    unknown = unknown_pose_parts(parts)
    if unknown:
        raise ValueError(f"unknown pose parts {unknown}; choose from {list(POSE_PARTS)}")
    start_place, start_turn = relative_to_palm(model, data, joint_qpos, palm, start)
    pose_place, pose_turn = relative_to_palm(model, data, joint_qpos, palm, pose)
    pose_turn = nearest_up_symmetric(pose_turn, start_turn)
    # The turn from the start's cube to the pose's, in the palm frame.
    start_inverse = np.empty(4)
    mujoco.mju_negQuat(start_inverse, start_turn)
    change = np.empty(4)
    mujoco.mju_mulQuat(change, pose_turn, start_inverse)
    swing, twist = swing_twist(change, _NORMAL)
    identity = np.array([1.0, 0.0, 0.0, 0.0])
    kept = np.empty(4)
    mujoco.mju_mulQuat(
        kept, swing if "tilt" in parts else identity, twist if "yaw" in parts else identity
    )
    turn = np.empty(4)
    mujoco.mju_mulQuat(turn, kept, start_turn)
    place = start_place.copy()
    for part, axis in _PLACE_AXES.items():
        if part in parts or "place" in parts:
            place[axis] = pose_place[axis]
    if "tilt" in parts:
        place[_HEIGHT_AXIS] = pose_place[_HEIGHT_AXIS]
    hand = pose if "hand" in parts else start
    return GoalPose(
        joints=hand.joints.copy(),
        joint_speeds=hand.joint_speeds.copy(),
        targets=hand.targets.copy(),
        cube=cube_on_palm(model, data, joint_qpos, palm, hand.joints, place, turn),
    )
