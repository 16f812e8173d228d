"""Perturbations for robustness tests; never used in training.

Each is a named change to the scene (applied to the spec before compiling) and, for the
moving ones, a seeded schedule that drives a kinematic (mocap) body during the episode:

- ``tied-fingers``: the middle and ring fingers are tied together, joint by joint (equality
  constraints between MFJ3/RFJ3, MFJ2/RFJ2 and MFJ1/RFJ1).
- ``glove``: a rubber glove: finger and thumb collision capsules 1.5 mm thicker, softer
  contacts (solref time constant 0.03 s), 1.5x friction, and 3x joint damping.
- ``plush``: a soft plush toy (a compliant 3 cm sphere hung on springs from a moving
  mount) pushed against the cube from a random side every 2 to 6 s.
- ``pen-poke``: a pen (4 mm thick rod) poking the cube from a random direction above the
  palm every 1.5 to 4 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

import mujoco
import numpy as np

from cubehand.sim.constants import HAND_PREFIX

PerturbationName = Literal["tied-fingers", "glove", "plush", "pen-poke"]
PERTURBATIONS: Final[tuple[str, ...]] = ("tied-fingers", "glove", "plush", "pen-poke")
TIED_JOINTS: Final[tuple[tuple[str, str], ...]] = tuple(
    (f"robot0:MFJ{k}", f"robot0:RFJ{k}") for k in (3, 2, 1)
)
PLUSH_MOUNT = "perturb:plush_mount"
PEN = "perturb:pen"
_PARKED = np.array([1.0, 0.4, 0.6])  # far from the hand


def apply_to_spec(spec: mujoco.MjSpec, name: PerturbationName) -> None:
    """Change the scene for perturbation ``name``."""
    if name == "tied-fingers":
        for first, second in TIED_JOINTS:
            spec.add_equality(
                type=mujoco.mjtEq.mjEQ_JOINT, name1=first, name2=second,
                data=[0.0, 1.0] + [0.0] * 10,
            )  # fmt: skip
    elif name == "glove":
        for geom in spec.geoms:
            if (
                geom.name.startswith(f"{HAND_PREFIX}C_")
                and geom.type == mujoco.mjtGeom.mjGEOM_CAPSULE
            ):
                geom.size = [geom.size[0] + 0.0015, geom.size[1], geom.size[2]]
                geom.solref = [0.03, 1.0]
                geom.friction = [1.5 * geom.friction[0], geom.friction[1], geom.friction[2]]
        for joint in spec.joints:
            if joint.name.startswith(HAND_PREFIX):
                joint.damping = 3.0 * joint.damping
    elif name == "plush":
        mount = spec.worldbody.add_body(name=PLUSH_MOUNT, mocap=True, pos=_PARKED.tolist())
        toy = mount.add_body(name="perturb:plush")
        for axis in np.eye(3):
            toy.add_joint(
                type=mujoco.mjtJoint.mjJNT_SLIDE, axis=axis.tolist(), stiffness=40.0,
                damping=1.0, range=[-0.03, 0.03], limited=mujoco.mjtLimited.mjLIMITED_TRUE,
            )  # fmt: skip
        toy.add_geom(
            name="perturb:plush_body", type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[0.03, 0, 0],
            mass=0.05, rgba=[0.85, 0.7, 0.4, 1.0], solref=[0.06, 1.0],
            solimp=[0.5, 0.9, 0.01, 0.5, 2.0], friction=[0.8, 0.005, 0.0001],
        )  # fmt: skip
    elif name == "pen-poke":
        pen = spec.worldbody.add_body(name=PEN, mocap=True, pos=_PARKED.tolist())
        # The capsule's tip is the body origin; it extends 10 cm back along the body's -z.
        pen.add_geom(
            name="perturb:pen_body", type=mujoco.mjtGeom.mjGEOM_CAPSULE, size=[0.004, 0.05, 0],
            pos=[0, 0, -0.054], rgba=[0.1, 0.2, 0.7, 1.0], friction=[0.5, 0.005, 0.0001],
        )  # fmt: skip
    else:
        raise ValueError(f"unknown perturbation {name!r}; known: {', '.join(PERTURBATIONS)}")


@dataclass
class PerturbationDriver:
    """Moves a perturbation's mocap body on a seeded schedule of approach, hold, retreat."""

    name: PerturbationName
    mocap: int
    gap: tuple[float, float]
    approach: float
    hold: float
    depth: float
    events: list[tuple[float, np.ndarray]] = field(default_factory=list)

    @classmethod
    def for_scene(cls, model: mujoco.MjModel, name: PerturbationName) -> PerturbationDriver | None:
        """The driver of a moving perturbation, or None for a static one."""
        if name == "plush":
            body = model.body(PLUSH_MOUNT)
            return cls(name, int(model.body_mocapid[body.id]), (2.0, 6.0), 0.5, 0.6, 0.045)
        if name == "pen-poke":
            body = model.body(PEN)
            return cls(name, int(model.body_mocapid[body.id]), (1.5, 4.0), 0.25, 0.15, 0.024)
        return None

    def reset(self, rng: np.random.Generator, duration: float = 200.0) -> None:
        """Draw the event times and directions for an episode of up to ``duration`` s."""
        self.events = []
        time = float(rng.uniform(*self.gap))
        while time < duration:
            self.events.append((time, self._direction(rng)))
            time += 2 * self.approach + self.hold + float(rng.uniform(*self.gap))

    def update(self, data: mujoco.MjData, cube_position: np.ndarray) -> None:
        """Place the mocap body for the current simulated time."""
        position, direction = _PARKED, np.array([0.0, 0.0, 1.0])
        for start, event_direction in self.events:
            phase = data.time - start
            if 0 <= phase <= 2 * self.approach + self.hold:
                reach = min(phase, self.approach, 2 * self.approach + self.hold - phase)
                fraction = reach / self.approach
                # Start 6 cm beyond contact; end ``depth`` from the cube centre.
                distance = self.depth + (1.0 - fraction) * 0.06
                position = cube_position + event_direction * distance
                direction = event_direction
                break
        data.mocap_pos[self.mocap] = position
        data.mocap_quat[self.mocap] = _quat_z_to(-direction)

    def _direction(self, rng: np.random.Generator) -> np.ndarray:
        if self.name == "plush":
            angle = rng.uniform(0, 2 * np.pi)
            return np.array([np.cos(angle), np.sin(angle), 0.3]) / np.linalg.norm([1, 0.3])
        vector = rng.normal(size=3)
        vector[2] = abs(vector[2]) + 0.3  # from above the palm
        return vector / np.linalg.norm(vector)


def _quat_z_to(direction: np.ndarray) -> np.ndarray:
    """Quaternion turning +z onto ``direction`` (a unit vector)."""
    z = np.array([0.0, 0.0, 1.0])
    axis = np.cross(z, direction)
    sine, cosine = np.linalg.norm(axis), float(z @ direction)
    if sine < 1e-9:
        return np.array([1.0, 0.0, 0.0, 0.0]) if cosine > 0 else np.array([0.0, 1.0, 0.0, 0.0])
    half = np.arctan2(sine, cosine) / 2
    return np.concatenate([[np.cos(half)], np.sin(half) * axis / sine])
