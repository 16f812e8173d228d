"""A curriculum that asks rotations to end with the hand ever nearer its start pose.

Rotations met near their start place, square and flat (:mod:`cubehand.skills.flip_place`,
:mod:`cubehand.skills.rotate_tilt`) left the next rotation to start 5 mm off, 3.6 degrees
turned and 2.1 degrees tilted, close to where the first starts, and it still failed every
time: what differs is the grip the first rotation ended in. This curriculum tightens, for
training only, how far from the start pose's the hand's joint targets may be for a rotation
to count as met (``EnvConfig.rotate_pose``: the mean over joints, each scaled to [-1, 1])
from its loose end toward its tight end in ``levels`` equal steps: one level tighter after
``window`` rotations met at ``tighten_at`` or better, one looser after a window at
``loosen_at`` or worse (the two-threshold rule of ADR). Evaluations judge every goal as
before. A pure class: no simulator import.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.skills.success_ladder import LooseToTight


class RotatePoseConfig(BaseModel):
    """Loose and tight ends of the rotation's pose test and what moves between them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    loose_pose: float = Field(0.5, gt=0, description="mean scaled distance at level 0")
    tight_pose: float = Field(0.1, gt=0, description="mean scaled distance at the top level")
    levels: int = Field(6, ge=1, description="steps from the loose to the tight end")
    window: int = Field(200, ge=1, description="rotations (goals judged) between decisions")
    tighten_at: float = Field(0.12, gt=0, le=1, description="success rate that tightens")
    loosen_at: float = Field(0.06, ge=0, le=1, description="success rate that loosens")

    @model_validator(mode="after")
    def _ordered(self) -> RotatePoseConfig:
        if self.loosen_at >= self.tighten_at:
            raise ValueError("loosen_at must be below tighten_at")
        if self.tight_pose > self.loose_pose:
            raise ValueError("tight_pose must not be above loose_pose")
        return self


class RotatePose(LooseToTight):
    """The distance from the start pose within which a rotation now counts as met."""

    def __init__(self, config: RotatePoseConfig | None = None) -> None:
        self.config = c = config or RotatePoseConfig()
        super().__init__(c.levels, c.window, c.tighten_at, c.loosen_at)

    @property
    def pose(self) -> float:
        """The farthest (mean scaled distance) from the start pose's that a rotation may
        leave the hand's joint targets."""
        return self.between(self.config.loose_pose, self.config.tight_pose)

    def record_episode(self, met: Mapping[str, int], tried: Mapping[str, int]) -> None:
        """Count an episode's rotations met and tried."""
        self.record(met.get("rotate", 0), tried.get("rotate", 0))
