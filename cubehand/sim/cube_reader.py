"""Reading the physical cube: pose, face angles, the facelets it shows, and drops."""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import FACE_RGBA, facelet_at
from cubehand.sim.cube_parts import CORE, sticker_name
from cubehand.sim.scene import CUBE_REST, Scene
from cubehand.solver.facelets import FACE_NORMALS, FACES
from cubehand.solver.state import CubeState

#: The cube counts as dropped once its centre is this far below its resting height (m).
DROP_DEPTH = 0.05


def cube_pose(scene: Scene, data: mujoco.MjData) -> tuple[np.ndarray, np.ndarray]:
    """Cube position (m) and orientation quaternion (w, x, y, z) in the world frame."""
    qpos = data.qpos[scene.cube_qpos]
    return qpos[:3].copy(), qpos[3:7].copy()


def face_angles(scene: Scene, data: mujoco.MjData) -> np.ndarray:
    """Hinge angle (rad) of each face in ``scene.faces``; positive is counter-clockwise."""
    return data.qpos[scene.hinge_qpos].copy()


def is_dropped(scene: Scene, data: mujoco.MjData) -> bool:
    """Whether the cube has fallen off the hand."""
    return bool(data.qpos[scene.cube_qpos][2] < CUBE_REST[2] - DROP_DEPTH)


def sticker_geoms(model: mujoco.MjModel) -> np.ndarray:
    """Geom ids of the 54 stickers, indexed by the facelet each shows when solved."""
    return np.array([model.geom(sticker_name(i)).id for i in range(54)])


def paint_state(model: mujoco.MjModel, state: CubeState) -> None:
    """Recolour the stickers so that a cube in its home pose shows ``state``."""
    for index, geom in enumerate(sticker_geoms(model)):
        model.geom_rgba[geom] = FACE_RGBA[state.facelets[index]]


def read_facelets(model: mujoco.MjModel, data: mujoco.MjData) -> str:
    """The facelet string the physical cube shows now, read from where its stickers are.

    Each sticker's position and normal are taken into the core's frame and snapped to the
    grid; its colour is read from the model. Needs ``mj_forward`` (or a step) first.

    Raises:
        ValueError: if a sticker is far from every facelet position (a face part way).
    """
    core = model.body(CORE).id
    rotation = data.xmat[core].reshape(3, 3)
    origin = data.xpos[core]
    pitch = _pitch(model)
    palette = np.array([FACE_RGBA[face] for face in FACES])
    letters = [""] * 54
    for index, geom in enumerate(sticker_geoms(model)):
        local = rotation.T @ (data.geom_xpos[geom] - origin) / pitch
        home_normal = np.array(FACE_NORMALS[FACES[index // 9]], dtype=float)
        normal = rotation.T @ data.geom_xmat[geom].reshape(3, 3) @ home_normal
        colour = FACES[int(np.argmin(np.linalg.norm(palette - model.geom_rgba[geom], axis=1)))]
        letters[facelet_at(local, normal)] = colour
    return "".join(letters)


def _pitch(model: mujoco.MjModel) -> float:
    # The U centre sticker sits 1.5 pitches from the core along +z.
    return float(model.geom_pos[model.geom(sticker_name(4)).id][2] / 1.5)
