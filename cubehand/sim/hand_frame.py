"""The hand frame: goals are judged relative to the palm, not the world.

Hand frame axes: z is the palm normal (up when the hand is level), y points along the
fingers, x completes a right-handed frame. Measuring in this frame stops a policy from
"achieving" a flip by tilting the wrist (see the feasibility notes).
"""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.constants import PALM_BODY
from cubehand.skills.flip_curriculum import FLIP_DIRECTIONS
from cubehand.solver.facelets import FACE_NORMALS, FACES

# The hand axes in the palm body's frame, as columns: hand x = palm x, hand y = palm z
# (along the fingers), hand z = -palm y (the palm normal).
_HAND_AXES_IN_PALM = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]]).T
UP = np.array([0.0, 0.0, 1.0])


def hand_rotation(model: mujoco.MjModel, data: mujoco.MjData) -> np.ndarray:
    """Rotation matrix from the hand frame to the world frame."""
    palm = data.xmat[model.body(PALM_BODY).id].reshape(3, 3)
    return palm @ _HAND_AXES_IN_PALM


def palm_position(model: mujoco.MjModel, data: mujoco.MjData) -> np.ndarray:
    """World position of the palm body."""
    return data.xpos[model.body(PALM_BODY).id].copy()


def up_face(cube_in_hand: np.ndarray) -> str:
    """The cube face (cube frame letters) whose normal points most nearly up in the hand."""
    return max(FACES, key=lambda f: float(cube_in_hand[2] @ np.array(FACE_NORMALS[f])))


def face_tilt(cube_in_hand: np.ndarray, face: str) -> float:
    """Angle (rad) between cube face ``face``'s normal and the palm normal."""
    normal = cube_in_hand @ np.array(FACE_NORMALS[face], dtype=float)
    return float(np.arccos(np.clip(normal[2], -1.0, 1.0)))


def rotation_bringing_up(cube_in_hand: np.ndarray, face: str) -> np.ndarray:
    """The cube orientation reached by the smallest rotation that points ``face`` up."""
    normal = cube_in_hand @ np.array(FACE_NORMALS[face], dtype=float)
    axis = np.cross(normal, UP)
    sine, cosine = np.linalg.norm(axis), float(np.clip(normal @ UP, -1.0, 1.0))
    if sine < 1e-9:
        if cosine > 0:
            return cube_in_hand.copy()
        axis, sine = np.array([1.0, 0.0, 0.0]), 0.0  # upside down: half turn about x
        cosine = -1.0
    else:
        axis = axis / sine
    angle = np.arctan2(sine, cosine)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rotation = np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * (k @ k)
    return rotation @ cube_in_hand


#: Hand-frame directions that name flips (see :mod:`cubehand.skills.flip_curriculum`); the
#: thumb and the index finger lie on the hand's +x side, the little finger on -x.
_DIRECTION_AXES = dict(
    zip(FLIP_DIRECTIONS, np.array([[0.0, 1.0, 0.0], [0.0, -1.0, 0.0], [1.0, 0.0, 0.0],
                                   [-1.0, 0.0, 0.0]]), strict=True)
)  # fmt: skip


def flip_direction(cube_in_hand: np.ndarray, face: str) -> str:
    """Where cube face ``face`` points in the hand before it is flipped up: the direction
    (``fingertips``, ``wrist``, ``thumb`` or ``little``) nearest its normal."""
    normal = cube_in_hand @ np.array(FACE_NORMALS[face], dtype=float)
    return max(_DIRECTION_AXES, key=lambda name: float(_DIRECTION_AXES[name] @ normal))
