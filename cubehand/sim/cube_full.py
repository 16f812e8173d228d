"""The mechanical cube: 26 cubelets on joints about the core, held in line by welds or contacts.

The core carries the cube's pose. The six centres turn on hinges about their face normals;
the other 20 cubelets sit on ball joints at the core's centre, so they can only move by
rotating about it. (By default, with ``weld_breakaway`` set and ``layer_switching`` on,
the faster model of :mod:`cubehand.sim.cube_switched` is built instead.) In breakaway
mode without switching, the layer welds of :mod:`cubehand.sim.layer_welds` decide which
rotations happen: the cube is rigid until a
layer is twisted hard enough, then that layer turns as one piece; the cubelets touch the
hand but not each other. With ``weld_breakaway`` None, contacts with their neighbours
decide it: a layer turns when its neighbours are aligned and jams when a perpendicular
layer is turned part way (then the welds carry a turn once it has begun). Cubelets are
bevelled boxes (convex meshes) so that layers slide past each other's edges; contacts
between cubelets are frictionless (condim 1), and each centre hinge has a detent (see
:func:`cubehand.sim.cube_parts.add_face_hinge`).
"""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import cubelets
from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_parts import (
    PLASTIC_RGBA,
    add_cubelet_core,
    add_face_hinge,
    add_sticker,
    bevelled_box_vertices,
)
from cubehand.sim.cube_switched import add_switched_cube
from cubehand.sim.layer_welds import add_layer_welds
from cubehand.solver.state import CubeState

CUBELET_MESH = "cube:cubelet"


def add_full_cube(
    parent: mujoco.MjsBody,
    spec: mujoco.MjSpec,
    state: CubeState,
    params: CubeParams,
    pos: tuple[float, float, float] = (0.0, 0.0, 0.0),
    free: bool = True,
) -> mujoco.MjsBody:
    """Add the mechanical cube showing ``state`` under ``parent``; returns the core body.

    With ``free`` the core gets a free joint; without, it is fixed to ``parent``.
    """
    pitch = params.pitch
    half = 0.5 * (pitch - params.gap)
    if params.bevel > 0:
        spec.add_mesh(name=CUBELET_MESH, uservert=bevelled_box_vertices(half, params.bevel))
        shape = {"type": mujoco.mjtGeom.mjGEOM_MESH, "meshname": CUBELET_MESH}
    else:
        shape = {"type": mujoco.mjtGeom.mjGEOM_BOX, "size": [half, half, half]}
    if params.switched_layers:
        return add_switched_cube(parent, spec, state, params, shape, pos, free)
    core = add_cubelet_core(parent, params, pos, free)
    # Welded rigid or turning, the breakaway cube's pieces are held in line by the welds
    # alone: they touch the hand and the floor (contype 2 meets conaffinity 1) but not
    # each other, which saves most of the cube's contacts.
    contacts = {"contype": 2, "conaffinity": 1} if params.welded_between_turns else {}
    for piece in cubelets():
        body = core.add_body(name=f"cube:{piece.name}")
        if piece.is_centre:
            add_face_hinge(body, spec, piece.centre_face, params)
        else:
            body.add_joint(
                name=f"cube:ball:{piece.name}", type=mujoco.mjtJoint.mjJNT_BALL,
                damping=params.ball_joint_damping, armature=params.ball_joint_armature,
            )  # fmt: skip
        centre = np.array(piece.grid, dtype=float) * pitch
        body.add_geom(
            name=f"cube:piece:{piece.name}", pos=centre.tolist(), mass=params.piece_mass,
            rgba=list(PLASTIC_RGBA), condim=1,
            solimp=[*params.solimp, 0.5, 2.0], **shape, **contacts,
        )  # fmt: skip
        for index in piece.facelets:
            add_sticker(body, index, centre, pitch, state.facelets[index])
    if params.layer_welds:
        add_layer_welds(spec)
    return core
