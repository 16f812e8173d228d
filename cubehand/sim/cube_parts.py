"""Parts shared by both cube models: names, stickers, bevelled cubelet mesh, face detents."""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import FACE_RGBA
from cubehand.sim.cube_params import CubeParams
from cubehand.solver.facelets import FACE_NORMALS, FACES

CORE = "cube:core"
FREE_JOINT = "cube:free"
STICKER_THICKNESS = 0.0006
STICKER_FRACTION = 0.86
PLASTIC_RGBA = (0.08, 0.08, 0.08, 1.0)
#: Centre stickers carry a dark square in one corner, so that a face's angle can be read
#: from images modulo a full turn, not only a quarter turn (the original cut a corner off).
MARK_FRACTION = 0.4
MARK_RGBA = (0.12, 0.12, 0.12, 1.0)
#: In-plane direction of each centre mark's corner, as (first, second) tangent signs.
_MARK_CORNER = (1.0, 1.0)


def hinge_name(face: str) -> str:
    """Joint name of face ``face``'s hinge."""
    return f"cube:hinge:{face}"


def detent_name(face: str) -> str:
    """Actuator name of face ``face``'s detent."""
    return f"cube:detent:{face}"


def sticker_name(index: int) -> str:
    """Geom name of facelet ``index``'s sticker."""
    return f"cube:sticker:{index}"


def add_core(parent: mujoco.MjsBody, params: CubeParams, pos, free: bool) -> mujoco.MjsBody:
    """The body that carries the cube's pose (with a free joint unless fixed)."""
    core = parent.add_body(name=CORE, pos=list(pos))
    if free:
        core.add_freejoint(name=FREE_JOINT)
    return core


def add_cubelet_core(parent: mujoco.MjsBody, params: CubeParams, pos, free: bool) -> mujoco.MjsBody:
    """The core of a cube of cubelets: :func:`add_core` with the hidden core piece (mass
    only, no contacts)."""
    core = add_core(parent, params, pos, free)
    core.add_geom(
        name="cube:core_mass", type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[0.1 * params.size, 0, 0],
        mass=params.piece_mass, contype=0, conaffinity=0, group=3,
    )  # fmt: skip
    return core


def add_face_hinge(
    body: mujoco.MjsBody, spec: mujoco.MjSpec, face: str, params: CubeParams
) -> None:
    """A hinge about face ``face``'s normal, with a detent actuator on it.

    The detent is a position actuator whose target is the nearest quarter turn (set each
    control step by :func:`detent_targets`) and whose torque is capped at
    ``params.detent_torque``: the spring-and-bevel snap of a real cube. A zero torque
    (or stiffness) turns the detent off; the actuator stays so that scenes keep one shape.
    """
    body.add_joint(
        name=hinge_name(face), type=mujoco.mjtJoint.mjJNT_HINGE, axis=list(FACE_NORMALS[face]),
        damping=params.hinge_damping, frictionloss=params.hinge_frictionloss,
        armature=params.armature,
    )  # fmt: skip
    actuator = spec.add_actuator(
        name=detent_name(face), target=hinge_name(face), trntype=mujoco.mjtTrn.mjTRN_JOINT
    )
    off = params.detent_torque == 0.0
    actuator.set_to_position(kp=0.0 if off else params.detent_stiffness)
    actuator.forcelimited = mujoco.mjtLimited.mjLIMITED_TRUE
    # MuJoCo needs a non-empty force range; with kp = 0 this one never acts.
    torque = 1e-9 if off else params.detent_torque
    actuator.forcerange = [-torque, torque]
    actuator.ctrllimited = mujoco.mjtLimited.mjLIMITED_FALSE


def mark_name(face: str) -> str:
    """Geom name of the orientation mark on face ``face``'s centre sticker."""
    return f"cube:mark:{face}"


def add_sticker(
    body: mujoco.MjsBody, index: int, cubelet_centre: np.ndarray, pitch: float, colour: str,
    name: str | None = None, group: int = 1,
) -> None:  # fmt: skip
    """A thin visual sticker of facelet ``index`` on the outside of its cubelet (named
    :func:`sticker_name` unless ``name`` is given; visual group ``group``)."""
    normal = np.array(FACE_NORMALS[FACES[index // 9]], dtype=float)
    size = np.full(3, 0.5 * STICKER_FRACTION * pitch)
    size[np.flatnonzero(normal)] = 0.5 * STICKER_THICKNESS
    body.add_geom(
        name=name or sticker_name(index), type=mujoco.mjtGeom.mjGEOM_BOX,
        pos=(cubelet_centre + normal * (0.5 * pitch)).tolist(), size=size.tolist(),
        rgba=list(FACE_RGBA[colour]), contype=0, conaffinity=0, mass=0.0, group=group,
    )  # fmt: skip
    if index % 9 == 4:
        _add_mark(body, FACES[index // 9], cubelet_centre, pitch, normal)


def _add_mark(
    body: mujoco.MjsBody, face: str, cubelet_centre: np.ndarray, pitch: float,
    normal: np.ndarray,
) -> None:  # fmt: skip
    """The dark corner square on a centre sticker (see :data:`MARK_FRACTION`)."""
    axis = int(np.flatnonzero(normal)[0])
    tangents = [i for i in range(3) if i != axis]
    sticker_half = 0.5 * STICKER_FRACTION * pitch
    mark_half = MARK_FRACTION * sticker_half
    pos = cubelet_centre + normal * (0.5 * pitch + STICKER_THICKNESS)
    size = np.full(3, mark_half)
    size[axis] = 0.5 * STICKER_THICKNESS
    for tangent, sign in zip(tangents, _MARK_CORNER, strict=True):
        pos[tangent] += sign * (sticker_half - mark_half)
    body.add_geom(
        name=mark_name(face), type=mujoco.mjtGeom.mjGEOM_BOX, pos=pos.tolist(),
        size=size.tolist(), rgba=list(MARK_RGBA), contype=0, conaffinity=0, mass=0.0, group=1,
    )  # fmt: skip


def bevelled_box_vertices(half: float, bevel: float) -> list[float]:
    """Vertices (flattened) of a box of half-size ``half`` with its edges cut by ``bevel``."""
    inner = half - bevel
    vertices = []
    for axis in range(3):
        for signs in np.ndindex(2, 2, 2):
            vertex = [(2 * s - 1) * inner for s in signs]
            vertex[axis] = (2 * signs[axis] - 1) * half
            vertices.extend(vertex)
    return vertices


def detent_targets(face_angles: np.ndarray) -> np.ndarray:
    """Detent targets: each face angle rounded to the nearest quarter turn."""
    quarter = np.pi / 2
    return np.round(np.asarray(face_angles) / quarter) * quarter
