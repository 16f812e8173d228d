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
from cubehand.solver.orientation import Orientation

# The hand axes in the palm body's frame, as columns: hand x = palm x, hand y = palm z
# (along the fingers), hand z = -palm y (the palm normal).
_HAND_AXES_IN_PALM = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]]).T
UP = np.array([0.0, 0.0, 1.0])
_FACE_NORMAL_ARRAYS = {face: np.array(FACE_NORMALS[face], dtype=float) for face in FACES}
#: The cube's orientation in the hand at the start of an episode, to the nearest quarter
#: turn: U up, turned half a turn about the palm normal (a test checks it).
HOME_IN_HAND = np.diag([-1.0, -1.0, 1.0])


def hand_rotation(
    model: mujoco.MjModel, data: mujoco.MjData, palm: int | None = None
) -> np.ndarray:
    """Rotation matrix from the hand frame to the world frame (``palm``: the palm body's
    index, if known)."""
    palm = palm_body(model) if palm is None else palm
    return data.xmat[palm].reshape(3, 3) @ _HAND_AXES_IN_PALM


def palm_body(model: mujoco.MjModel) -> int:
    """Index of the palm body."""
    return int(model.body(PALM_BODY).id)


def up_face(cube_in_hand: np.ndarray) -> str:
    """The cube face (cube frame letters) whose normal points most nearly up in the hand."""
    return max(FACES, key=lambda f: float(cube_in_hand[2] @ np.array(FACE_NORMALS[f])))


def face_tilt(cube_in_hand: np.ndarray, face: str) -> float:
    """Angle (rad) between cube face ``face``'s normal and the palm normal."""
    normal_z = float(cube_in_hand[2] @ _FACE_NORMAL_ARRAYS[face])
    return float(np.arccos(min(1.0, max(-1.0, normal_z))))


def _quarter_yaw(cube_in_hand: np.ndarray) -> float:
    """The cube's turn about the palm normal modulo a quarter turn (rad, 0 to pi/2), measured
    on the cube axis that lies most nearly flat."""
    flat = max(range(3), key=lambda i: float(np.hypot(cube_in_hand[0, i], cube_in_hand[1, i])))
    return float(np.arctan2(cube_in_hand[1, flat], cube_in_hand[0, flat])) % (np.pi / 2)


def yaw_off_square(cube_in_hand: np.ndarray) -> float:
    """Angle (rad, 0 to pi/4) by which the cube is turned about the palm normal away from
    square with the hand's axes (measured on the cube axis that lies most nearly flat)."""
    angle = _quarter_yaw(cube_in_hand)
    return min(angle, np.pi / 2 - angle)


def squared(cube_in_hand: np.ndarray) -> np.ndarray:
    """The orientation reached by the smallest turn about the palm normal that leaves the
    cube square with the hand (:func:`yaw_off_square` 0)."""
    angle = _quarter_yaw(cube_in_hand)
    turn = -angle if angle <= np.pi / 4 else np.pi / 2 - angle
    cosine, sine = np.cos(turn), np.sin(turn)
    about_normal = np.array([[cosine, -sine, 0.0], [sine, cosine, 0.0], [0.0, 0.0, 1.0]])
    return about_normal @ cube_in_hand


def rotation_bringing_up(cube_in_hand: np.ndarray, face: str) -> np.ndarray:
    """The cube orientation reached by the smallest rotation that points ``face`` up."""
    nx, ny, nz = (float(v) for v in cube_in_hand @ _FACE_NORMAL_ARRAYS[face])
    # The rotation axis is normal x up = (ny, -nx, 0); its length is the angle's sine.
    sine, cosine = float(np.hypot(nx, ny)), min(1.0, max(-1.0, nz))
    if sine < 1e-9:
        if cosine > 0:
            return cube_in_hand.copy()
        ax, ay, sine, cosine = 1.0, 0.0, 0.0, -1.0  # upside down: half turn about x
    else:
        ax, ay = ny / sine, -nx / sine
    # Rodrigues' formula for a unit axis (ax, ay, 0), written out.
    c1 = 1.0 - cosine
    rotation = np.array(
        [
            [cosine + ax * ax * c1, ax * ay * c1, ay * sine],
            [ax * ay * c1, cosine + ay * ay * c1, -ax * sine],
            [-ay * sine, ax * sine, cosine],
        ]
    )
    return rotation @ cube_in_hand


def rotation_quaternion(rotation: np.ndarray) -> np.ndarray:
    """Unit quaternion (w, x, y, z) of a rotation matrix, first non-zero entry positive.

    The same convention as :func:`cubehand.solver.orientation.matrix_to_quaternion`,
    computed by MuJoCo (the environment calls it several times per step).
    """
    quat = np.empty(4)
    mujoco.mju_mat2Quat(quat, np.ascontiguousarray(rotation, dtype=float).ravel())
    quat /= np.linalg.norm(quat)
    for value in quat:
        if abs(value) > 1e-9:
            return -quat if value < 0 else quat
    return quat


#: Hand-frame directions that name flips (see :mod:`cubehand.skills.flip_curriculum`); the
#: thumb and the index finger lie on the hand's +x side, the little finger on -x.
_DIRECTION_AXES = dict(
    zip(FLIP_DIRECTIONS, np.array([[0.0, 1.0, 0.0], [0.0, -1.0, 0.0], [1.0, 0.0, 0.0],
                                   [-1.0, 0.0, 0.0]]), strict=True)
)  # fmt: skip


def flip_direction(cube_in_hand: np.ndarray, face: str) -> str:
    """Where cube face ``face`` points in the hand before it is flipped up: the direction
    (``fingertips``, ``wrist``, ``thumb`` or ``little``) nearest its normal."""
    normal = cube_in_hand @ _FACE_NORMAL_ARRAYS[face]
    return max(_DIRECTION_AXES, key=lambda name: float(_DIRECTION_AXES[name] @ normal))


def home_symmetry(cube_in_hand: np.ndarray) -> Orientation:
    """The quarter-turn symmetry ``S`` of the cube (its matrix acts in the cube frame) that
    brings the cube nearest its start orientation: ``cube_in_hand @ S.matrix`` is within 45
    degrees of :data:`HOME_IN_HAND` on each axis. The identity at the start and after
    rotations; after a flip it relabels the faces so that the face brought up reads as U."""
    wanted = cube_in_hand.T @ HOME_IN_HAND
    symmetry = np.zeros((3, 3), dtype=np.int64)
    for column in range(3):
        row = int(np.argmax(np.abs(wanted[:, column])))
        symmetry[row, column] = np.sign(wanted[row, column])
    return Orientation.from_matrix(symmetry)


def faces_by_place(symmetry: Orientation) -> np.ndarray:
    """For each face of :data:`FACES` (URFDLB), the index of the cube face that
    :func:`home_symmetry`'s ``symmetry`` puts in its place."""
    return np.array([FACES.index(symmetry.world_direction(face)) for face in FACES])
