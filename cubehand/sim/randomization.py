"""Randomizable parameters as typed data, and how each is applied.

Every parameter has a nominal (calibrated) value, hard limits, a step for range updates
(the ADR algorithm in ``cubehand/skills`` owns the ranges) and a target saying where it
acts: a model field (scaled from its nominal value), the scene (needs a rebuild, such as
cube size), the observations (noise) or the actions (noise, latency). Each environment
samples its own values per episode from the current ranges with its own generator.

Friction note: hand geoms have contact priority (see :mod:`cubehand.sim.scene`), so every
hand-cube contact uses the hand geom's friction; ``contact_friction`` scales it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import mujoco
import numpy as np

from cubehand.sim.constants import HAND_PREFIX

Target = Literal["model", "scene", "observation", "action"]
Selector = Literal[
    "hand_collision_geoms", "hand_bodies", "hand_dofs", "hand_actuators", "cube_bodies",
    "face_hinge_dofs", "detent_actuators", "option",
]  # fmt: skip


@dataclass(frozen=True)
class RandomizedParameter:
    """One randomizable quantity.

    For ``target="model"`` the value multiplies the nominal entries of ``field`` (columns
    ``columns``) selected by ``selector``; other targets are read by the scene builder or
    the environment under ``name``.
    """

    name: str
    description: str
    nominal: float
    limits: tuple[float, float]
    step: float
    target: Target
    field: str | None = None
    selector: Selector | None = None
    columns: tuple[int, ...] = (0,)

    def __post_init__(self) -> None:
        low, high = self.limits
        if not low <= self.nominal <= high:
            raise ValueError(f"{self.name}: nominal {self.nominal} outside limits {self.limits}")
        if self.step <= 0:
            raise ValueError(f"{self.name}: step must be positive")
        if self.target == "model" and (self.field is None or self.selector is None):
            raise ValueError(f"{self.name}: a model parameter needs a field and a selector")


PARAMETERS: tuple[RandomizedParameter, ...] = (
    RandomizedParameter("contact_friction", "scale of the hand's sliding friction, which every "
                        "hand-cube contact uses", 1.0, (0.3, 3.0), 0.02, "model",
                        "geom_friction", "hand_collision_geoms"),
    RandomizedParameter("hand_mass", "scale of the hand's link masses", 1.0, (0.5, 2.0), 0.02,
                        "model", "body_mass", "hand_bodies"),
    RandomizedParameter("hand_damping", "scale of the hand's joint damping", 1.0, (0.3, 3.0),
                        0.02, "model", "dof_damping", "hand_dofs"),
    RandomizedParameter("hand_armature", "scale of the hand's joint armature", 1.0,
                        (0.3, 3.0), 0.02, "model", "dof_armature", "hand_dofs"),
    RandomizedParameter("actuator_gain", "scale of the position actuators' stiffness", 1.0,
                        (0.5, 2.0), 0.02, "model", "actuator_gainprm", "hand_actuators"),
    RandomizedParameter("actuator_force", "scale of the actuators' force range", 1.0,
                        (0.5, 2.0), 0.02, "model", "actuator_forcerange", "hand_actuators",
                        (0, 1)),
    RandomizedParameter("cube_mass", "scale of the cube's masses", 1.0, (0.5, 2.0), 0.02,
                        "model", "body_mass", "cube_bodies"),
    RandomizedParameter("cube_inertia", "scale of the cube's inertias", 1.0, (0.5, 2.0), 0.02,
                        "model", "body_inertia", "cube_bodies", (0, 1, 2)),
    RandomizedParameter("face_friction", "scale of the face hinges' dry friction", 1.0,
                        (0.3, 3.0), 0.02, "model", "dof_frictionloss", "face_hinge_dofs"),
    RandomizedParameter("face_detent", "scale of the face detents' torque cap", 1.0,
                        (0.5, 2.0), 0.02, "model", "actuator_forcerange", "detent_actuators",
                        (0, 1)),
    RandomizedParameter("gravity", "scale of gravity", 1.0, (0.8, 1.2), 0.02, "model",
                        "gravity", "option", (2,)),
    RandomizedParameter("timestep", "scale of the physics timestep (per episode)", 1.0,
                        (0.9, 1.1), 0.02, "model", "timestep", "option"),
    RandomizedParameter("cube_size", "scale of the cube's edge (rebuilds the scene)", 1.0,
                        (0.9, 1.1), 0.02, "scene"),
    RandomizedParameter("action_latency", "control steps by which actions arrive late", 0.0,
                        (0.0, 3.0), 0.02, "action"),
    RandomizedParameter("action_noise", "std of noise on each joint target change, in "
                        "fractions of an action bin", 0.0, (0.0, 1.0), 0.02, "action"),
    RandomizedParameter("obs_noise", "std of fresh noise each step on positions (m) and "
                        "angles (rad / 10)", 0.0, (0.0, 0.02), 0.0005, "observation"),
    RandomizedParameter("obs_bias", "std of a per-episode offset on positions (m) and "
                        "angles (rad / 10)", 0.0, (0.0, 0.02), 0.0005, "observation"),
)  # fmt: skip
PARAMETER_BY_NAME: dict[str, RandomizedParameter] = {p.name: p for p in PARAMETERS}


def nominal_values() -> dict[str, float]:
    """Every parameter at its nominal value."""
    return {p.name: p.nominal for p in PARAMETERS}


def nominal_ranges() -> dict[str, tuple[float, float]]:
    """Zero-width ranges at the nominal values (where ADR starts)."""
    return {p.name: (p.nominal, p.nominal) for p in PARAMETERS}


def sample_values(
    ranges: Mapping[str, tuple[float, float]], rng: np.random.Generator
) -> dict[str, float]:
    """Draw each parameter uniformly from its range (missing ones stay nominal).

    Raises:
        ValueError: for an unknown name or a range outside the parameter's limits.
    """
    values = nominal_values()
    for name in sorted(ranges):
        low, high = check_range(name, ranges[name])
        values[name] = float(rng.uniform(low, high)) if high > low else float(low)
    return values


def check_range(name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    """Validate ``bounds`` for parameter ``name``; returns them as floats."""
    if name not in PARAMETER_BY_NAME:
        raise ValueError(
            f"unknown randomized parameter {name!r}; known: {', '.join(PARAMETER_BY_NAME)}"
        )
    parameter = PARAMETER_BY_NAME[name]
    low, high = float(bounds[0]), float(bounds[1])
    limit_low, limit_high = parameter.limits
    if not limit_low <= low <= high <= limit_high:
        raise ValueError(
            f"{name}: range [{low}, {high}] must be ordered and lie within {parameter.limits}"
        )
    return low, high


class PhysicsRandomizer:
    """Writes model-field parameters into one model, always scaling from its nominal values."""

    def __init__(self, model: mujoco.MjModel) -> None:
        self.model = model
        self._indices = {
            p.name: _select(model, p.selector) for p in PARAMETERS if p.target == "model"
        }
        self._nominal = {
            p.name: np.array(_field(model, p.field), copy=True)
            for p in PARAMETERS
            if p.target == "model"
        }

    def apply(self, values: Mapping[str, float]) -> None:
        """Set every model parameter to nominal times its value (missing ones: nominal)."""
        for parameter in PARAMETERS:
            if parameter.target != "model":
                continue
            scale = float(values.get(parameter.name, parameter.nominal))
            nominal = self._nominal[parameter.name]
            field = _field(self.model, parameter.field)
            rows = self._indices[parameter.name]
            if parameter.selector == "option":
                if np.ndim(field) == 0:
                    setattr(self.model.opt, parameter.field, float(nominal) * scale)
                else:
                    for column in parameter.columns:
                        field[column] = nominal[column] * scale
                continue
            if field.ndim == 1:
                field[rows] = nominal[rows] * scale
            else:
                for column in parameter.columns:
                    field[rows, column] = nominal[rows, column] * scale
            if parameter.name == "actuator_gain":
                # A position actuator's bias is -kp * qpos: keep it matched to the gain.
                self.model.actuator_biasprm[rows, 1] = -field[rows, 0]


def _field(model: mujoco.MjModel, name: str | None):
    assert name is not None
    if hasattr(model.opt, name):
        return getattr(model.opt, name)
    return getattr(model, name)


def _select(model: mujoco.MjModel, selector: Selector | None) -> np.ndarray:
    def named(count: int, view, prefix: str) -> list[int]:
        return [i for i in range(count) if view(i).name.startswith(prefix)]

    def dofs(prefix: str) -> list[int]:
        return [int(model.jnt_dofadr[j]) for j in named(model.njnt, model.joint, prefix)]

    choose = {
        "hand_collision_geoms": lambda: [
            g for g in named(model.ngeom, model.geom, HAND_PREFIX) if model.geom_contype[g]
        ],
        "hand_bodies": lambda: named(model.nbody, model.body, HAND_PREFIX),
        "hand_dofs": lambda: dofs(HAND_PREFIX),
        "hand_actuators": lambda: named(model.nu, model.actuator, HAND_PREFIX),
        "cube_bodies": lambda: named(model.nbody, model.body, "cube:"),
        "face_hinge_dofs": lambda: dofs("cube:hinge:"),
        "detent_actuators": lambda: named(model.nu, model.actuator, "cube:detent:"),
        "option": lambda: [],
    }
    assert selector is not None
    return np.array(choose[selector](), dtype=int)
