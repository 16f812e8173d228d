"""Where the symbolic cube sits in the physical model, and re-anchoring the locked cube.

The symbolic state names faces in the cube's own frame. The model's frame can differ: the
locked cube can only turn the face along its model +z axis, so after a flip the model is
re-anchored by an exact 90 degree symmetry (pose rotated, stickers repainted) so that its
hinge points up again. ``anchor`` is the :class:`Orientation` from cube frame to model frame
(always the identity for the full cube).
"""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import FACE_RGBA
from cubehand.sim.cube_reader import sticker_geoms
from cubehand.sim.scene import Scene
from cubehand.solver.orientation import Orientation, all_orientations, matrix_to_quaternion
from cubehand.solver.state import CubeState


def paint_in_model(model: mujoco.MjModel, state: CubeState, anchor: Orientation) -> None:
    """Colour the model's stickers so that, seen through ``anchor``, they show ``state``."""
    view = state.world_view(anchor)
    for index, geom in enumerate(sticker_geoms(model)):
        model.geom_rgba[geom] = FACE_RGBA[view[index]]


def reanchor_up(
    scene: Scene, data: mujoco.MjData, state: CubeState, anchor: Orientation, model_up: str
) -> Orientation:
    """Re-anchor the (aligned) locked cube so that its hinge runs along the face now up.

    ``model_up`` is the model face that points up in the hand. The cube's pose, velocity and
    colours in the world do not change; its model frame does. Returns the new anchor.
    """
    if model_up == "U":
        return anchor
    model = scene.model
    symmetry = up_symmetry(model_up)
    s = symmetry.matrix.astype(float)
    qpos = data.qpos[scene.cube_qpos]
    qpos[3:7] = symmetric_pose(qpos[3:7], symmetry)
    qvel = data.qvel[scene.cube_dof]
    qvel[3:6] = s @ qvel[3:6]  # a free joint's angular velocity is in the body frame
    data.qpos[scene.hinge_qpos] = 0.0
    data.qvel[scene.hinge_dof] = 0.0
    new_anchor = Orientation.from_matrix(symmetry.matrix @ anchor.matrix)
    paint_in_model(model, state, new_anchor)
    mujoco.mj_forward(model, data)
    return new_anchor


def up_symmetry(model_up: str) -> Orientation:
    """The cube symmetry that takes model face ``model_up`` to the model's +z (U) by the
    smallest turn."""
    return next(
        s for s in all_orientations() if s.world_direction(model_up) == "U"
        and round(Orientation.identity().angle_to(s)) == {"U": 0, "D": 180}.get(model_up, 90)
    )  # fmt: skip


def symmetric_pose(quaternion: np.ndarray, symmetry: Orientation) -> np.ndarray:
    """The world quaternion of the same cube shape with its model frame turned by
    ``symmetry``: model direction v becomes s @ v, so the new pose is old @ s^T."""
    old = np.empty(9)
    mujoco.mju_quat2Mat(old, np.asarray(quaternion, dtype=float))
    return np.array(matrix_to_quaternion(old.reshape(3, 3) @ symmetry.matrix.astype(float).T))
