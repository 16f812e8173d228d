"""A curriculum for the cube's stiffness: breakaway and detent torques raised as rotations succeed.

On the full cube in breakaway mode (:mod:`cubehand.sim.layer_welds`) a face turns only once
the fingers twist its layer harder than ``weld_breakaway``, and the face detent then pulls it
back toward alignment. Skills pre-trained on the locked cube, whose top was held by 0.01 N m
of friction and no detent, do not push hard enough for the nominal cube (0.03 N m each) and
so never see a turn. This ramp scales both torques by a fraction that starts at ``start``
and is multiplied by ``factor`` whenever ``window`` rotate goals succeeded at ``raise_at`` or
better, up to 1 (the cube as judged); it steps back after a window at ``lower_at`` or worse.
A pure class: no simulator import.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.skills.success_ladder import SuccessLadder


class StiffnessRampConfig(BaseModel):
    """Where the fraction starts, how it steps and what success moves it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: float = Field(0.33, gt=0, le=1, description="fraction of the nominal torques at first")
    factor: float = Field(1.25, gt=1, description="fraction multiplied by this at each step")
    window: int = Field(200, ge=1, description="rotate goals between decisions")
    raise_at: float = Field(0.5, gt=0, le=1, description="rotate success rate that raises it")
    lower_at: float = Field(0.05, ge=0, le=1, description="rotate success rate that lowers it")

    @model_validator(mode="after")
    def _ordered(self) -> StiffnessRampConfig:
        if self.lower_at >= self.raise_at:
            raise ValueError("lower_at must be below raise_at")
        return self


class StiffnessRamp(SuccessLadder):
    """The current stiffness fraction and the rotate outcomes since the last decision."""

    def __init__(self, config: StiffnessRampConfig | None = None) -> None:
        self.config = config or StiffnessRampConfig()
        super().__init__(self.config.window, self.config.raise_at, self.config.lower_at)

    @property
    def value(self) -> float:
        """Fraction of the cube's nominal breakaway and detent torques for the environments."""
        return min(self.config.start * self.config.factor**self.level, 1.0)

    @property
    def at_top(self) -> bool:
        """At the cube as judged."""
        return self.value >= 1.0
