"""The locked cube: a rigid body of the lower two layers and a top layer on one hinge.

Fast to simulate (a handful of contacts) and used for pre-training. Only the face that
points up along the model's own +z axis can turn; the symbolic layer re-anchors the model
after flips.
"""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import cubelets
from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_parts import PLASTIC_RGBA, add_core, add_face_hinge, add_sticker
from cubehand.solver.state import CubeState

TOP_BODY = "cube:top"


def add_locked_cube(
    parent: mujoco.MjsBody,
    spec: mujoco.MjSpec,
    state: CubeState,
    params: CubeParams,
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0),
    free: bool = True,
) -> mujoco.MjsBody:
    """Add the locked cube showing ``state`` under ``parent``; returns the core body."""
    pitch = params.pitch
    half = 1.5 * pitch - 0.5 * params.gap
    core = add_core(parent, params, pos, free)
    core.add_geom(
        name="cube:lower", type=mujoco.mjtGeom.mjGEOM_BOX, pos=[0, 0, -0.5 * pitch],
        size=[half, half, pitch - 0.5 * params.gap], mass=params.mass * 2 / 3,
        rgba=list(PLASTIC_RGBA), condim=4,
    )  # fmt: skip
    top = core.add_body(name=TOP_BODY)
    add_face_hinge(top, spec, "U", params)
    top.add_geom(
        name="cube:upper", type=mujoco.mjtGeom.mjGEOM_BOX, pos=[0, 0, pitch],
        size=[half, half, 0.5 * pitch - 0.5 * params.gap], mass=params.mass / 3,
        rgba=list(PLASTIC_RGBA), condim=4,
    )  # fmt: skip
    for piece in cubelets():
        body = top if piece.grid[2] == 1 else core
        centre = np.array(piece.grid, dtype=float) * pitch
        for index in piece.facelets:
            add_sticker(body, index, centre, pitch, state.facelets[index])
    return core
