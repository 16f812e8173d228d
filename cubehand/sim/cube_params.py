"""Physical parameters of the simulated cubes (nominal values; randomization scales them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class CubeParams(BaseModel):
    """Size, mass and mechanism of a cube model."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    size: float = Field(0.057, gt=0.03, lt=0.1, description="edge length of the whole cube (m)")
    mass: float = Field(0.09, gt=0.0, description="mass of the whole cube (kg)")
    gap: float = Field(0.0004, ge=0.0, description="gap between neighbouring cubelets (m)")
    bevel: float = Field(
        0.0014, ge=0.0, description="chamfer of the cubelet edges (m); 0 gives plain boxes"
    )
    solimp: tuple[float, float, float] = Field(
        (0.95, 0.99, 0.001),
        description="contact impedance of the cubelets (MuJoCo solimp); softer lets a centre slip",
    )
    armature: float = Field(
        1e-4, gt=0.0, description="armature of the cubelet joints (kg m^2), for stable steps"
    )
    detent_torque: float = Field(
        0.03, ge=0.0, description="largest torque (N m) of the detent that pulls faces aligned"
    )
    detent_stiffness: float = Field(
        0.6, ge=0.0, description="stiffness (N m / rad) of the detent near alignment"
    )
    hinge_damping: float = Field(0.002, ge=0.0, description="damping of face hinges (N m s)")
    hinge_frictionloss: float = Field(
        0.005, ge=0.0, description="dry friction of face hinges (N m)"
    )
    ball_damping: float | None = Field(
        0.00025,
        ge=0.0,
        description="damping of each of the full cube's 20 ball joints (N m s/rad). A turning "
        "layer's 8 pieces add theirs to its centre's: 0.00025 gives a layer twice the "
        "damping of the locked cube's top. None (older configs): as the face hinges",
    )
    ball_armature: float | None = Field(
        None,
        gt=0.0,
        description="armature of the full cube's 20 ball joints (kg m^2); None: as "
        "``armature``. Like the damping, it adds up over a layer's 8 ball joints",
    )
    layer_welds: bool = Field(
        True,
        description="full cube: weld the turning layer into one body and the rest of the "
        "cube into another while a face is turned (see cubehand.sim.layer_welds)",
    )
    weld_engage: float = Field(
        0.04,
        gt=0.0,
        lt=0.7,
        description="face angle off a quarter turn (rad) that engages the welds",
    )
    weld_breakaway: float | None = Field(
        0.03,
        gt=0.0,
        description="the full cube is welded rigid while no face turns, and a face starts to "
        "turn when the twisting load on its layer passes this torque (N m); None: the pieces "
        "are free between turns and only their contacts hold them in line",
    )
    layer_switching: bool = Field(
        True,
        description="breakaway mode: build the fast cube of cubehand.sim.cube_switched (one "
        "rigid core, locked centres, layers switched onto a centre while it turns); False: "
        "20 ball-jointed pieces held by welds (cubehand.sim.layer_welds), as before",
    )
    weld_release: float = Field(
        0.02, gt=0.0, lt=0.7, description="face angle off a quarter turn (rad) that releases them"
    )

    @model_validator(mode="after")
    def _release_below_engage(self) -> CubeParams:
        if self.weld_release >= self.weld_engage:
            raise ValueError(
                f"weld_release ({self.weld_release}) must be below weld_engage ({self.weld_engage})"
            )
        return self

    @property
    def welded_between_turns(self) -> bool:
        """Whether the full cube's welds hold it (breakaway mode), so that its pieces need
        no contacts with each other."""
        return self.layer_welds and self.weld_breakaway is not None

    @property
    def piece_mass(self) -> float:
        """Mass of each of the 27 pieces of a cubelet cube (kg)."""
        return self.mass / 27.0

    @property
    def ball_joint_damping(self) -> float:
        """Damping of each ball joint (N m s/rad): ``ball_damping``, or the hinges' if None."""
        return self.hinge_damping if self.ball_damping is None else self.ball_damping

    @property
    def ball_joint_armature(self) -> float:
        """Armature of each ball joint (kg m^2): ``ball_armature``, or ``armature`` if None."""
        return self.armature if self.ball_armature is None else self.ball_armature

    @property
    def switched_layers(self) -> bool:
        """Whether the full cube is the switched-layer model (:mod:`cubehand.sim.cube_switched`)."""
        return self.welded_between_turns and self.layer_switching

    @property
    def pitch(self) -> float:
        """Distance between neighbouring cubelet centres (m)."""
        return self.size / 3.0
