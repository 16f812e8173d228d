"""The two-threshold rule shared by the training curricula: a level moved by goal success.

After every ``window`` goals counted (rotations, or what a subclass counts), a success rate
of at least ``up_at`` steps the level up (unless it is at its top) and one of at most
``down_at`` steps it down (never below 0), as ADR moves its bounds
(``../shared/reference/dactyl-facts.md``). Subclasses turn the level into a value:
:mod:`cubehand.skills.layer_lock`, :mod:`cubehand.skills.stiffness_ramp`,
:mod:`cubehand.skills.start_spread`, :mod:`cubehand.skills.flip_place` (flips),
:mod:`cubehand.skills.square_place` (square goals), :mod:`cubehand.skills.rotate_tilt` and
:mod:`cubehand.skills.rotate_pose` (rotations, by :class:`RotationLadder`). Pure classes:
no simulator import.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator


class SuccessLadder:
    """A level stepped up after ``window`` goals succeed at ``up_at`` or better and
    down after ones at ``down_at`` or worse (the two-threshold rule of ADR)."""

    def __init__(self, window: int, up_at: float, down_at: float) -> None:
        self.window, self.up_at, self.down_at = window, up_at, down_at
        self.level = 0
        self.met = 0
        self.tried = 0

    @property
    def at_top(self) -> bool:
        """Whether the level may not step up any more."""
        return False

    def record(self, met: int, tried: int) -> None:
        """One episode's counted goals; decides once ``window`` of them were tried."""
        if not 0 <= met <= tried:
            raise ValueError(f"met {met} rotations out of {tried} tried")
        self.met += met
        self.tried += tried
        if self.tried < self.window:
            return
        rate = self.met / self.tried
        if rate >= self.up_at and not self.at_top:
            self.level += 1
        elif rate <= self.down_at and self.level > 0:
            self.level -= 1
        self.met = self.tried = 0

    def state_dict(self) -> dict[str, int]:
        """Level and pending counts, for checkpoints."""
        return {"level": self.level, "met": self.met, "tried": self.tried}

    def load_state_dict(self, state: Mapping[str, int]) -> None:
        """Restore what :meth:`state_dict` saved."""
        self.level, self.met, self.tried = (int(state[k]) for k in ("level", "met", "tried"))


class LooseToTight(SuccessLadder):
    """A ladder of ``levels`` equal steps from a loose end (level 0) to a tight end, where
    it stops: the goal tests of :mod:`cubehand.skills.flip_place` and
    :mod:`cubehand.skills.square_place`."""

    def __init__(self, levels: int, window: int, up_at: float, down_at: float) -> None:
        super().__init__(window, up_at, down_at)
        self.levels = levels

    @property
    def value(self) -> float:
        """Fraction of the way from the loose to the tight end (0 to 1)."""
        return self.level / self.levels

    @property
    def at_top(self) -> bool:
        return self.level >= self.levels

    def between(self, loose: float, tight: float) -> float:
        """The quantity that is ``loose`` at level 0 and ``tight`` at the top, now."""
        return loose + self.value * (tight - loose)


class LadderRule(BaseModel):
    """How a loose-to-tight ladder moves; a subclass adds its two ends."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    levels: int = Field(6, ge=1, description="steps from the loose to the tight end")
    window: int = Field(200, ge=1, description="goals judged between decisions")
    tighten_at: float = Field(0.12, gt=0, le=1, description="success rate that tightens")
    loosen_at: float = Field(0.06, ge=0, le=1, description="success rate that loosens")

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> LadderRule:
        if self.loosen_at >= self.tighten_at:
            raise ValueError("loosen_at must be below tighten_at")
        return self


class RotationLadder(LooseToTight):
    """A loose-to-tight ladder moved by the rotations met and tried (the place ladder of
    :mod:`cubehand.skills.flip_place` counts the same rotations where it judges them)."""

    def __init__(self, rule: LadderRule) -> None:
        super().__init__(rule.levels, rule.window, rule.tighten_at, rule.loosen_at)

    def record_episode(self, met: Mapping[str, int], tried: Mapping[str, int]) -> None:
        """Count an episode's rotations met and tried."""
        self.record(met.get("rotate", 0), tried.get("rotate", 0))
