"""A curriculum that asks rotations to end with the hand ever nearer its start pose.

Rotations met near their start place, square and flat (:mod:`cubehand.skills.flip_place`,
:mod:`cubehand.skills.rotate_tilt`) left the next rotation to start 5 mm off, 3.6 degrees
turned and 2.1 degrees tilted, close to where the first starts, and it still failed every
time: what differs is the grip the first rotation ended in. This curriculum tightens, for
training only, how far from the start pose's the hand's joint targets may be for a rotation
to count as met (``EnvConfig.rotate_pose``: the mean over joints, each scaled to [-1, 1])
from its loose end toward its tight end by the rule of
:class:`~cubehand.skills.success_ladder.LadderRule`. Evaluations judge every goal as before.
A pure class: no simulator import.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from cubehand.skills.success_ladder import LadderRule, RotationLadder


class RotatePoseConfig(LadderRule):
    """Loose and tight ends of the rotation's pose test, and how the ladder moves."""

    loose_pose: float = Field(0.5, gt=0, description="mean scaled distance at level 0")
    tight_pose: float = Field(0.1, gt=0, description="mean scaled distance at the top level")

    @model_validator(mode="after")
    def _ends_ordered(self) -> RotatePoseConfig:
        if self.tight_pose > self.loose_pose:
            raise ValueError("tight_pose must not be above loose_pose")
        return self


class RotatePose(RotationLadder):
    """The distance from the start pose within which a rotation now counts as met."""

    def __init__(self, config: RotatePoseConfig | None = None) -> None:
        self.config = config or RotatePoseConfig()
        super().__init__(self.config)

    @property
    def pose(self) -> float:
        """The farthest (mean scaled distance) from the start pose's that a rotation may
        leave the hand's joint targets."""
        return self.between(self.config.loose_pose, self.config.tight_pose)
