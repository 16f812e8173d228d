"""Finger-like pushes on the top layer, core held still: does the layer turn?

A fingertip turns a real cube's top layer by pushing one of its pieces sideways. Here a
force pushes the centre of the top layer's URF corner piece along the tangent of its circle
about the U axis, for both cube models with the core fixed in space: on the locked cube the
force acts on the rigid top layer, on the full cube on the one cubelet, which has to carry
the rest of its layer along through contacts. Like a finger, the push fades as the layer
speeds up (none at 2 rad/s) and stops once the layer is past half way; the detents stay on.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import mujoco
import numpy as np

from cubehand.sim.cube_full import add_full_cube
from cubehand.sim.cube_geometry import cubelets
from cubehand.sim.cube_locked import TOP_BODY, add_locked_cube
from cubehand.sim.cube_mechanism import cube_mechanism
from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_parts import detent_name, detent_targets, hinge_name
from cubehand.sim.scene import CubeModel, set_physics_options
from cubehand.sim.stepping import blew_up
from cubehand.solver.facelets import FACES
from cubehand.solver.state import CubeState

PUSHED_PIECE = "URF"
#: Layer speed (rad/s) at which the push has faded to nothing.
FADE_SPEED = 2.0


@dataclass(frozen=True)
class PushResult:
    """What one push did: time to a quarter turn (None: not within the push), final
    angles (rad) and whether the physics blew up."""

    cube: CubeModel
    force: float
    quarter_turn_s: float | None
    top_angle: float
    other_faces: float
    blew_up: bool

    def as_dict(self) -> dict[str, object]:
        """Plain values for JSON."""
        return asdict(self)


def _pushed_body(cube: CubeModel, params: CubeParams) -> str:
    """The body the push acts on: the locked cube's top; the corner cubelet of the
    ball-jointed full cube; the U centre of the switched-layer cube, whose layer is part of
    the core until it breaks away and then rides on the centre (same point, same torque)."""
    if cube == "locked":
        return TOP_BODY
    if params.switched_layers:
        centre = next(p for p in cubelets() if p.is_centre and p.centre_face == "U")
        return f"cube:{centre.name}"
    return f"cube:{PUSHED_PIECE}"


def push_top_corner(
    cube: CubeModel,
    force: float,
    params: CubeParams | None = None,
    seconds: float = 2.0,
    timestep: float = 0.008,
    substeps: int = 10,
) -> PushResult:
    """Push the top layer's URF corner with ``force`` (N) for up to ``seconds``."""
    params = params or CubeParams()
    spec = mujoco.MjSpec()
    set_physics_options(spec, timestep)
    add = add_full_cube if cube == "full" else add_locked_cube
    add(spec.worldbody, spec, CubeState.solved(), params, pos=(0.0, 0.0, 0.0), free=False)
    model = spec.compile()
    data = mujoco.MjData(model)
    faces = FACES if cube == "full" else "U"
    hinges = [model.joint(hinge_name(face)).id for face in faces]
    qpos = model.jnt_qposadr[hinges]
    top_dof = model.jnt_dofadr[hinges[0]]
    detents = [model.actuator(detent_name(face)).id for face in faces]
    body = model.body(_pushed_body(cube, params)).id
    grid = next(piece.grid for piece in cubelets() if piece.name == PUSHED_PIECE)
    local = np.array(grid, dtype=float) * params.pitch
    up = np.array([0.0, 0.0, 1.0])
    welds = cube_mechanism(model, params) if cube == "full" else None
    mujoco.mj_forward(model, data)
    quarter_turn_s = None
    steps = int(round(seconds / (timestep * substeps)))
    for step in range(steps):
        data.ctrl[detents] = detent_targets(data.qpos[qpos])
        if welds is not None:
            welds.update(model, data, data.qpos[qpos])
        for _ in range(substeps):
            data.qfrc_applied[:] = 0.0
            point = data.xpos[body] + data.xmat[body].reshape(3, 3) @ local
            tangent = np.cross(up, point)
            fade = max(0.0, 1.0 - data.qvel[top_dof] / FADE_SPEED)
            if data.qpos[qpos[0]] < np.pi / 4:
                push = force * fade * tangent / np.linalg.norm(tangent)
                mujoco.mj_applyFT(model, data, push, np.zeros(3), point, body, data.qfrc_applied)
            mujoco.mj_step(model, data)
        if quarter_turn_s is None and data.qpos[qpos[0]] >= np.pi / 4:
            quarter_turn_s = round((step + 1) * timestep * substeps, 3)
    others = np.abs(data.qpos[qpos[1:]]) if len(qpos) > 1 else np.zeros(1)
    return PushResult(
        cube=cube,
        force=force,
        quarter_turn_s=quarter_turn_s,
        top_angle=float(data.qpos[qpos[0]]),
        other_faces=float(others.max()),
        blew_up=blew_up(data),
    )
