"""A curriculum that asks rotations to leave the cube ever flatter on the palm.

Rotations met near their start place and square (:mod:`cubehand.skills.flip_place`) left
the face up tilted 12.6 degrees off the palm normal on average (greedy, seed 778, usual
start; the second goals then started tilted 14.9), within the goal test's
``orientation_tolerance`` (0.4 rad, 22.9 degrees), and the rotation after them was almost
never met. This curriculum tightens, for training only, the tilt at which a rotation counts
as met (``EnvConfig.rotate_tilt``) from its loose end toward its tight end by the rule of
:class:`~cubehand.skills.success_ladder.LadderRule` (one level tighter after ``window``
rotations met at ``tighten_at`` or better, one looser at ``loosen_at`` or worse: the
two-threshold rule of ADR). Evaluations judge every goal as before. A pure class: no
simulator import.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from cubehand.skills.success_ladder import LadderRule, RotationLadder


class RotateTiltConfig(LadderRule):
    """Loose and tight ends of the rotation's tilt test, and how the ladder moves."""

    loose_tilt: float = Field(0.4, gt=0, description="rad at level 0 (the goal test's own)")
    tight_tilt: float = Field(0.1, gt=0, description="rad at the top level")

    @model_validator(mode="after")
    def _ends_ordered(self) -> RotateTiltConfig:
        if self.tight_tilt > self.loose_tilt:
            raise ValueError("tight_tilt must not be above loose_tilt")
        return self


class RotateTilt(RotationLadder):
    """The tilt within which a rotation now counts as met."""

    def __init__(self, config: RotateTiltConfig | None = None) -> None:
        self.config = config or RotateTiltConfig()
        super().__init__(self.config)

    @property
    def tilt(self) -> float:
        """rad: the most that a rotation may leave the face up tilted off the palm normal."""
        return self.between(self.config.loose_tilt, self.config.tight_tilt)
