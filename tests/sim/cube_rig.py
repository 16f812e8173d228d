"""A test rig: one cube with its core fixed in space and test-only motors on two faces."""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.cube_full import add_full_cube
from cubehand.sim.cube_mechanism import cube_mechanism
from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_parts import detent_name, detent_targets, hinge_name
from cubehand.sim.scene import set_physics_options
from cubehand.solver.facelets import FACES
from cubehand.solver.state import CubeState

TIMESTEP, SUBSTEPS = 0.008, 10


class CubeRig:
    """Fixed-core full cube; ``drive`` applies torques (N m) to faces for some seconds."""

    def __init__(self, state: CubeState | None = None, params: CubeParams | None = None) -> None:
        spec = mujoco.MjSpec()
        set_physics_options(spec, TIMESTEP)
        add_full_cube(spec.worldbody, spec, state or CubeState.solved(), params or CubeParams(),
                      pos=(0, 0, 0.2), free=False)  # fmt: skip
        for face in FACES:
            motor = spec.add_actuator(
                name=f"test:{face}", target=hinge_name(face), trntype=mujoco.mjtTrn.mjTRN_JOINT
            )
            motor.set_to_motor()
        self.model = spec.compile()
        self.data = mujoco.MjData(self.model)
        self.qpos = {f: self.model.jnt_qposadr[self.model.joint(hinge_name(f)).id] for f in FACES}
        self.detents = [self.model.actuator(detent_name(f)).id for f in FACES]
        self.motors = {f: self.model.actuator(f"test:{f}").id for f in FACES}
        self.welds = cube_mechanism(self.model, params or CubeParams())
        mujoco.mj_forward(self.model, self.data)

    def angles(self) -> np.ndarray:
        return np.array([self.data.qpos[self.qpos[f]] for f in FACES])

    def angle(self, face: str) -> float:
        return float(self.data.qpos[self.qpos[face]])

    def drive(
        self, torques: dict[str, float], seconds: float, hold: dict[str, float] | None = None
    ) -> None:
        """Apply torques; faces in ``hold`` are servoed to an angle with their detent off."""
        for _ in range(int(round(seconds / (TIMESTEP * SUBSTEPS)))):
            self.data.ctrl[self.detents] = detent_targets(self.angles())
            if self.welds is not None:
                self.welds.update(self.model, self.data, self.angles())
            self.data.ctrl[list(self.motors.values())] = 0.0
            for face, torque in torques.items():
                self.data.ctrl[self.motors[face]] = torque
            if not hold:
                mujoco.mj_step(self.model, self.data, nstep=SUBSTEPS)
                continue
            for _ in range(SUBSTEPS):
                for face, target in hold.items():
                    dof = self.model.jnt_dofadr[self.model.joint(f"cube:hinge:{face}").id]
                    error = target - self.angle(face)
                    command = 0.5 * error - 0.01 * self.data.qvel[dof]
                    self.data.ctrl[self.motors[face]] = np.clip(command, -0.1, 0.1)
                    self.data.ctrl[self.detents[FACES.index(face)]] = self.angle(face)
                mujoco.mj_step(self.model, self.data)
