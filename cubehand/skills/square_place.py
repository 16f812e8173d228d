"""A curriculum that asks square goals to bring the cube ever nearer its rest point (or,
with ``EnvConfig.square_from_place``, its place).

A square goal (``EnvConfig.square_first``) turns the cube square with the hand before a
rotation. Square alone is not enough: traced, rotations right after a square goal started
6 degrees off square but 39 mm from the cube's rest point on the flat hand (fresh starts:
7 mm), and none was met. Asked at once to end within 15 mm of the rest point, the policy met
1 square goal in 1,050. This curriculum moves the square goal's ``square_radius`` from its
loose end toward its tight end in ``levels`` equal steps: one level tighter after
``window`` square goals met at ``tighten_at`` or better, one looser after a window at
``loosen_at`` or worse (the two-threshold rule of ADR). Training only; a pure class: no
simulator import.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.skills.success_ladder import LooseToTight


class SquarePlaceConfig(BaseModel):
    """Loose and tight ends of the square goal's radius and what moves between them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    loose_radius: float = Field(
        0.06, gt=0, description="m from the rest point (or place), at level 0"
    )
    tight_radius: float = Field(
        0.01, gt=0, description="m from the rest point (or place), at the top"
    )
    levels: int = Field(10, ge=1, description="steps from the loose to the tight end")
    window: int = Field(100, ge=1, description="square goals between decisions")
    tighten_at: float = Field(0.5, gt=0, le=1, description="success rate that tightens")
    loosen_at: float = Field(0.25, ge=0, le=1, description="success rate that loosens")

    @model_validator(mode="after")
    def _ordered(self) -> SquarePlaceConfig:
        if self.loosen_at >= self.tighten_at:
            raise ValueError("loosen_at must be below tighten_at")
        if self.tight_radius > self.loose_radius:
            raise ValueError("tight_radius must not be above loose_radius")
        return self


class SquarePlace(LooseToTight):
    """The radius within which a square goal now counts as met."""

    def __init__(self, config: SquarePlaceConfig | None = None) -> None:
        self.config = c = config or SquarePlaceConfig()
        super().__init__(c.levels, c.window, c.tighten_at, c.loosen_at)

    @property
    def radius(self) -> float:
        """m: the farthest from its rest point (or place) that a square goal may leave the
        cube."""
        return self.between(self.config.loose_radius, self.config.tight_radius)

    def record_episode(self, met: Mapping[str, int], tried: Mapping[str, int]) -> None:
        """Count an episode's square goals met and tried."""
        self.record(met.get("square", 0), tried.get("square", 0))
