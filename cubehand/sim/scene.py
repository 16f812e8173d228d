"""Scenes built in code with ``mujoco.MjSpec``: the Shadow Hand, palm up, holding a cube.

The hand comes from the MJCF that gymnasium-robotics ships (its hand-and-block scene with
the block removed); the cube, the cameras and the physics options are added here, so cube
size and other parameters can change per episode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import mujoco
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from cubehand.sim.constants import ACTUATOR_NAMES, HAND_PREFIX, VIEW_CAMERA, VISION_CAMERAS
from cubehand.sim.cube_full import add_full_cube
from cubehand.sim.cube_locked import add_locked_cube
from cubehand.sim.cube_mechanism import CubeMechanism, cube_mechanism
from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_parts import FREE_JOINT, detent_name, hinge_name
from cubehand.sim.hand_assets import shadow_hand_scene_file
from cubehand.sim.perturbations import PerturbationName, apply_to_spec
from cubehand.solver.facelets import FACES
from cubehand.solver.state import CubeState

CubeModel = Literal["full", "locked"]
#: Where the cube is dropped onto the palm (world frame, m), above the palm's centre.
CUBE_START = (1.0, 0.87, 0.19)
#: Point the cameras look at: the cube resting on the palm.
CUBE_REST = np.array([1.0, 0.87, 0.17])


class SceneConfig(BaseModel):
    """What a scene contains and how it is stepped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cube: CubeModel = Field("full", description="full (mechanical, 26 cubelets) or locked")
    cube_params: CubeParams = Field(default_factory=CubeParams)
    timestep: float = Field(0.008, gt=0.0, le=0.01, description="physics step (s)")
    substeps: int = Field(10, ge=1, description="physics steps per control step")
    camera_resolution: int = Field(128, ge=16, description="width and height of camera images")
    perturbation: PerturbationName | None = Field(
        None, description="tied-fingers, glove, plush or pen-poke (robustness tests only)"
    )

    @property
    def control_dt(self) -> float:
        """Seconds per control step."""
        return self.timestep * self.substeps


@dataclass(frozen=True)
class Scene:
    """A compiled scene and the indices the environment needs."""

    config: SceneConfig
    model: mujoco.MjModel
    hand_actuators: np.ndarray
    hand_ctrl_low: np.ndarray
    hand_ctrl_high: np.ndarray
    faces: str
    hinge_qpos: np.ndarray
    hinge_dof: np.ndarray
    detent_actuators: np.ndarray
    cube_qpos: slice
    cube_dof: slice
    mechanism: CubeMechanism | None = None


def build_spec(config: SceneConfig, state: CubeState | None = None) -> mujoco.MjSpec:
    """The scene as an editable spec (state defaults to solved)."""
    state = state or CubeState.solved()
    spec = mujoco.MjSpec.from_file(str(shadow_hand_scene_file()))
    for name in ("object", "target"):
        spec.delete(spec.body(name))
    set_physics_options(spec, config.timestep)
    for geom in spec.geoms:
        if geom.name.startswith(HAND_PREFIX):
            # Hand-cube contacts take the hand's friction and condim (cubelet contacts are
            # frictionless among themselves), so the cube's own friction plays no part.
            geom.priority = 1
            if geom.contype:
                geom.condim = max(geom.condim, 4)
    builder = add_full_cube if config.cube == "full" else add_locked_cube
    builder(spec.worldbody, spec, state, config.cube_params, pos=CUBE_START)
    if config.perturbation is not None:
        apply_to_spec(spec, config.perturbation)
    _add_cameras(spec, config.camera_resolution)
    spec.visual.global_.offwidth = spec.visual.global_.offheight = 2048
    return spec


def set_physics_options(spec: mujoco.MjSpec, timestep: float) -> None:
    """Integrator and solver settings, shared by the scenes and the mechanism test rigs.

    MuJoCo's multi-point CCD stays on: with one contact point per pair of convex shapes the
    full cube stepped faster, but a top centre pushed at 0.2 N m in the hand slipped
    through its layer (``tests/sim/test_scene.py``).
    """
    spec.option.timestep = timestep
    spec.option.integrator = mujoco.mjtIntegrator.mjINT_IMPLICITFAST
    spec.option.iterations = 20


def build_scene(config: SceneConfig, state: CubeState | None = None) -> Scene:
    """Compile the scene for ``config`` with the cube showing ``state``."""
    return scene_from_model(config, build_spec(config, state).compile())


def scene_from_model(config: SceneConfig, model: mujoco.MjModel) -> Scene:
    """Wrap a model compiled from :func:`build_spec` (perhaps with additions) as a Scene."""
    faces = FACES if config.cube == "full" else "U"
    hinge_ids = [model.joint(hinge_name(face)).id for face in faces]
    free = model.joint(FREE_JOINT).id
    qadr, dadr = model.jnt_qposadr[free], model.jnt_dofadr[free]
    hand_actuators = np.array([model.actuator(n).id for n in ACTUATOR_NAMES])
    return Scene(
        config=config,
        model=model,
        hand_actuators=hand_actuators,
        hand_ctrl_low=model.actuator_ctrlrange[hand_actuators, 0].copy(),
        hand_ctrl_high=model.actuator_ctrlrange[hand_actuators, 1].copy(),
        faces=faces,
        hinge_qpos=model.jnt_qposadr[hinge_ids],
        hinge_dof=model.jnt_dofadr[hinge_ids],
        detent_actuators=np.array([model.actuator(detent_name(f)).id for f in faces]),
        cube_qpos=slice(qadr, qadr + 7),
        cube_dof=slice(dadr, dadr + 6),
        mechanism=cube_mechanism(model, config.cube_params) if config.cube == "full" else None,
    )


#: Field of view of the vision cameras (deg): the cube fills about half of each image.
VISION_FOVY = 30.0


def _add_cameras(spec: mujoco.MjSpec, resolution: int) -> None:
    target = CUBE_REST
    placements = {
        "cam:left": target + np.array([-0.16, -0.14, 0.12]),
        "cam:right": target + np.array([0.16, -0.14, 0.12]),
        "cam:top": target + np.array([0.0, -0.02, 0.24]),
        VIEW_CAMERA: target + np.array([0.25, -0.32, 0.22]),
    }
    assert set(placements) == {*VISION_CAMERAS, VIEW_CAMERA}
    for name, position in placements.items():
        spec.worldbody.add_camera(
            name=name, pos=position.tolist(), xyaxes=_look_at(position, target),
            fovy=VISION_FOVY if name != VIEW_CAMERA else 40.0, resolution=[resolution, resolution],
        )  # fmt: skip


def _look_at(position: np.ndarray, target: np.ndarray) -> list[float]:
    """Camera x and y axes (MuJoCo's xyaxes) for looking from ``position`` at ``target``."""
    forward = target - position
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    if np.linalg.norm(right) < 1e-6:
        right = np.array([1.0, 0.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return [*right.tolist(), *up.tolist()]
