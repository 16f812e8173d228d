"""A curriculum that asks rotations to leave the cube ever flatter on the palm.

Rotations met near their start place and square (:mod:`cubehand.skills.flip_place`) left
the face up tilted 14.9 degrees off the palm normal on average (fresh starts: 0.8), within
the goal test's ``orientation_tolerance`` (0.4 rad, 22.9 degrees), and the rotation after
them was almost never met. This curriculum tightens, for training only, the tilt at which a
rotation counts as met (``EnvConfig.rotate_tilt``) from its loose end toward its tight end
in ``levels`` equal steps: one level tighter after ``window`` rotations met at
``tighten_at`` or better, one looser after a window at ``loosen_at`` or worse (the
two-threshold rule of ADR). Evaluations judge every goal as before. A pure class: no
simulator import.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.skills.success_ladder import LooseToTight


class RotateTiltConfig(BaseModel):
    """Loose and tight ends of the rotation's tilt test and what moves between them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    loose_tilt: float = Field(0.4, gt=0, description="rad at level 0 (the goal test's own)")
    tight_tilt: float = Field(0.1, gt=0, description="rad at the top level")
    levels: int = Field(6, ge=1, description="steps from the loose to the tight end")
    window: int = Field(200, ge=1, description="rotations (goals judged) between decisions")
    tighten_at: float = Field(0.12, gt=0, le=1, description="success rate that tightens")
    loosen_at: float = Field(0.06, ge=0, le=1, description="success rate that loosens")

    @model_validator(mode="after")
    def _ordered(self) -> RotateTiltConfig:
        if self.loosen_at >= self.tighten_at:
            raise ValueError("loosen_at must be below tighten_at")
        if self.tight_tilt > self.loose_tilt:
            raise ValueError("tight_tilt must not be above loose_tilt")
        return self


class RotateTilt(LooseToTight):
    """The tilt within which a rotation now counts as met."""

    def __init__(self, config: RotateTiltConfig | None = None) -> None:
        self.config = c = config or RotateTiltConfig()
        super().__init__(c.levels, c.window, c.tighten_at, c.loosen_at)

    @property
    def tilt(self) -> float:
        """rad: the most that a rotation may leave the face up tilted off the palm normal."""
        return self.between(self.config.loose_tilt, self.config.tight_tilt)

    def record_episode(self, met: Mapping[str, int], tried: Mapping[str, int]) -> None:
        """Count an episode's rotations met and tried."""
        self.record(met.get("rotate", 0), tried.get("rotate", 0))
