"""A curriculum that asks flips to end with the cube ever nearer its place and square.

A rotation is met from the cube's usual place on the palm every time and from where a flip
leaves it (about 50 mm off and 25 degrees turned off square with the hand) almost never, so
goal sequences stop after their first flip. This curriculum tightens, for training only, the
place where a flip counts as met: the cube's centre within ``radius`` of its rest point and
turned at most ``square`` off square. Both move from their loose to their tight ends in
``levels`` equal steps, one level tighter after ``window`` flips met at ``tighten_at`` or
better and one looser after a window at ``loosen_at`` or worse (the two-threshold rule of
ADR, ``../shared/reference/dactyl-facts.md``). With ``square_rotations`` the square test
applies to rotations too (rotations met had left the cube 20 degrees turned on average,
where the next rotation fails), with ``place_rotations`` the radius does, and the windows
then count goals of both kinds; without ``flips`` they judge and count rotations only.
Evaluations judge every goal as before. A pure class: no simulator import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.skills.success_ladder import LooseToTight


class FlipPlaceConfig(BaseModel):
    """Loose and tight ends of the flip test's place and what moves between them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    loose_radius: float = Field(0.08, gt=0, description="m, at level 0 (the goal test's own)")
    tight_radius: float = Field(0.015, gt=0, description="m, at the top level")
    loose_square: float = Field(
        math.pi / 4, gt=0, description="rad off square at level 0 (pi/4: any yaw)"
    )
    tight_square: float = Field(0.2, gt=0, description="rad off square at the top level")
    levels: int = Field(10, ge=1, description="steps from the loose to the tight end")
    window: int = Field(200, ge=1, description="flips (goals judged) between decisions")
    tighten_at: float = Field(0.35, gt=0, le=1, description="flip success rate that tightens")
    loosen_at: float = Field(0.2, ge=0, le=1, description="flip success rate that loosens")
    square_rotations: bool = Field(
        False,
        description="judge rotations square too (the radius stays for flips only unless "
        "place_rotations), and count rotations with flips in the windows",
    )
    place_rotations: bool = Field(
        False,
        description="judge rotations by the radius too (measured from env.place_origin), and "
        "count rotations with flips in the windows, so that a rotation must leave the cube "
        "where the next one starts",
    )
    flips: bool = Field(
        True,
        description="judge flips by the radius and square (false: flips are met anywhere, "
        "as the env config says, and the windows count rotations only; needs "
        "square_rotations or place_rotations)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> FlipPlaceConfig:
        if not (self.flips or self.square_rotations or self.place_rotations):
            raise ValueError("flips: false needs square_rotations or place_rotations")
        if self.loosen_at >= self.tighten_at:
            raise ValueError("loosen_at must be below tighten_at")
        if self.tight_radius > self.loose_radius or self.tight_square > self.loose_square:
            raise ValueError("the tight end must not be looser than the loose end")
        return self


class FlipPlace(LooseToTight):
    """The place within which a flip now counts as met."""

    def __init__(self, config: FlipPlaceConfig | None = None) -> None:
        self.config = c = config or FlipPlaceConfig()
        super().__init__(c.levels, c.window, c.tighten_at, c.loosen_at)

    @property
    def radius(self) -> float:
        """m: the farthest from its rest point that a flip may leave the cube."""
        return self.between(self.config.loose_radius, self.config.tight_radius)

    @property
    def square(self) -> float:
        """rad: the most that a flip may leave the cube turned off square with the hand."""
        return self.between(self.config.loose_square, self.config.tight_square)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The goal kinds that the windows count: flips where the ladder judges them, and
        rotations where the square or the place test judges them too."""
        c = self.config
        rotations = c.square_rotations or c.place_rotations
        return ("flip",) * c.flips + ("rotate",) * rotations

    def record_episode(self, met: Mapping[str, int], tried: Mapping[str, int]) -> None:
        """Count an episode's goals met and tried, of the kinds judged."""
        kinds = self.kinds
        self.record(sum(met.get(k, 0) for k in kinds), sum(tried.get(k, 0) for k in kinds))
