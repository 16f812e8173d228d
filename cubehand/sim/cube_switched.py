"""The mechanical cube in its fast form: one rigid core, six locked centres, switched layers.

A real cube is rigid until a layer is twisted hard enough, then that layer turns as one
piece and is rigid with the rest again at alignment. This model builds exactly that with
few degrees of freedom (the core's free joint and six centre hinges, against 20 ball
joints and 26 welds in :mod:`cubehand.sim.layer_welds`):

- The 20 edge and corner cubelets are geoms of the core body, at their grid places.
- Each centre turns on a hinge that a joint-equality lock holds at a quarter turn.
- Each centre body also carries a hidden copy of the eight other pieces of its layer.
- The cubelets are only seen; contacts are made by plain boxes, as on the locked cube: one
  box of the whole cube on the core while it is rigid; while face f turns, a box of the two
  thirds that stay (on the core) and one of f's layer (on f's centre).

When the layer's twisting load passes the breakaway torque
(:mod:`cubehand.sim.layer_switch`), its lock lets go, its boxes take the whole cube's place,
and the core's eight pieces of that layer are hidden and their copies on the centre shown
(with their stickers' colours), so the whole layer turns on the hinge. Back at a quarter
turn, the colours go back to the core's pieces at their new places, the whole cube's box
comes back and the lock holds the centre again.

A turning layer's inertia and damping about its axis are those of the ball-jointed cube in
the same mode (its centre plus eight pieces' joint armature and damping), given to the hinge.
The boxes touch the hand and the floor but not each other.
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
    hinge_name,
)
from cubehand.solver.state import CubeState

#: Impedance of the centre locks (MuJoCo solimp), as stiff as the ball-jointed cube's welds.
LOCK_SOLIMP = [0.99, 0.999, 0.001, 0.5, 2.0]

#: Visual group of the hidden copies (MuJoCo shows groups 0 to 2 by default).
HIDDEN_GROUP = 3

#: Contact bits of a piece that touches the hand and floor but no other piece.
PIECE_CONTACTS = {"contype": 2, "conaffinity": 1}

LAYERS_PER_FACE = 8


def lock_name(face: str) -> str:
    """Equality name of the lock holding face ``face``'s centre at a quarter turn."""
    return f"cube:lock:{face}"


def copy_name(face: str, piece: str) -> str:
    """Geom name of ``piece``'s hidden copy on face ``face``'s centre."""
    return f"cube:copy:{face}:{piece}"


def copy_sticker_name(face: str, index: int) -> str:
    """Geom name of the sticker of facelet ``index`` on its piece's copy on ``face``'s centre."""
    return f"cube:copy:{face}:sticker:{index}"


def whole_name() -> str:
    """Geom name of the whole cube's collision box (the cube while rigid)."""
    return "cube:whole"


def rest_name(face: str) -> str:
    """Geom name of the collision box of the two thirds of the cube that stay while ``face``
    turns (on the core)."""
    return f"cube:rest:{face}"


def layer_name(face: str) -> str:
    """Geom name of the collision box of ``face``'s layer (on its centre)."""
    return f"cube:layer:{face}"


def add_switched_cube(
    parent: mujoco.MjsBody,
    spec: mujoco.MjSpec,
    state: CubeState,
    params: CubeParams,
    shape: dict,
    pos: tuple[float, float, float],
    free: bool,
) -> mujoco.MjsBody:
    """Add the switched-layer cube showing ``state`` under ``parent``; returns the core body.

    The cubelets (``shape``: geom type and size or mesh, see :mod:`cube_full`) are visual and
    carry the masses; contacts are made by plain boxes like the locked cube's: the whole cube
    while it is rigid, and while face f turns the two thirds that stay and f's layer.
    """
    pitch = params.pitch
    core = add_cubelet_core(parent, params, pos, free)
    half = 1.5 * pitch - 0.5 * params.gap
    # Every collision box is compiled touchable, so that MuJoCo's bounding volumes of its
    # body cover it (they leave out geoms without contacts); the switch turns off those
    # not in use.
    box = {
        "type": mujoco.mjtGeom.mjGEOM_BOX, "mass": 0.0, "rgba": list(PLASTIC_RGBA), "condim": 1,
        "solimp": [*params.solimp, 0.5, 2.0], "group": HIDDEN_GROUP, **PIECE_CONTACTS,
    }  # fmt: skip
    core.add_geom(name=whole_name(), pos=[0, 0, 0], size=[half] * 3, **box)
    visual = {"rgba": list(PLASTIC_RGBA), "contype": 0, "conaffinity": 0, **shape}
    hinge_params = params.model_copy(
        update={
            "hinge_damping": params.hinge_damping + LAYERS_PER_FACE * params.ball_joint_damping,
            "armature": params.armature + LAYERS_PER_FACE * params.ball_joint_armature,
        }
    )
    pieces = cubelets()
    for piece in pieces:
        centre = np.array(piece.grid, dtype=float) * pitch
        if not piece.is_centre:
            core.add_geom(
                name=f"cube:piece:{piece.name}",
                pos=centre.tolist(),
                mass=params.piece_mass,
                **visual,
            )
            for index in piece.facelets:
                add_sticker(core, index, centre, pitch, state.facelets[index])
            continue
        face = piece.centre_face
        normal = np.array(piece.grid, dtype=float)
        axis = int(np.flatnonzero(normal)[0])
        rest_size = np.full(3, half)
        rest_size[axis] = pitch - 0.5 * params.gap
        core.add_geom(
            name=rest_name(face), pos=(-0.5 * pitch * normal).tolist(),
            size=rest_size.tolist(), **box,
        )  # fmt: skip
        body = core.add_body(name=f"cube:{piece.name}")
        add_face_hinge(body, spec, face, hinge_params)
        layer_size = np.full(3, half)
        layer_size[axis] = 0.5 * pitch - 0.5 * params.gap
        body.add_geom(
            name=layer_name(face), pos=(pitch * normal).tolist(),
            size=layer_size.tolist(), **box,
        )  # fmt: skip
        body.add_geom(
            name=f"cube:piece:{piece.name}", pos=centre.tolist(), mass=params.piece_mass, **visual
        )
        for index in piece.facelets:
            add_sticker(body, index, centre, pitch, state.facelets[index])
        for other in pieces:
            if other.is_centre or np.dot(other.grid, normal) < 0.5:
                continue
            where = np.array(other.grid, dtype=float) * pitch
            body.add_geom(
                name=copy_name(face, other.name), pos=where.tolist(), mass=0.0,
                **(visual | {"group": HIDDEN_GROUP}),
            )  # fmt: skip
            for index in other.facelets:
                add_sticker(
                    body, index, where, pitch, state.facelets[index],
                    name=copy_sticker_name(face, index), group=HIDDEN_GROUP,
                )  # fmt: skip
        lock = spec.add_equality(
            type=mujoco.mjtEq.mjEQ_JOINT, objtype=mujoco.mjtObj.mjOBJ_JOINT,
            name1=hinge_name(face),
        )  # fmt: skip
        lock.name = lock_name(face)
        lock.solimp = LOCK_SOLIMP
        lock.data = np.zeros(len(lock.data))
        lock.active = True
    return core
