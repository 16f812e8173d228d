"""An adaptive curriculum over flip directions: the directions that fail more are drawn more.

A flip is named by where the face that must come up points in the hand frame before the
flip: toward the ``fingertips``, the ``wrist``, the ``thumb`` side or the ``little`` finger
side (the feasibility notes found the thumb and fingertip directions the hardest). Each
direction keeps decaying counts of flips met and tried; its sampling weight is its recent
failure rate (raised to ``power``), never below ``floor``. The same rule weighs rotation
directions (``cw``, ``ccw``; ``TrainConfig.rotate_directions``): a direction that the policy
stops meeting is otherwise starved of the successes it would learn from. A pure class: no
simulator import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cubehand.skills.outcome_counts import sum_met_tried

FlipDirection = Literal["fingertips", "wrist", "thumb", "little"]
FLIP_DIRECTIONS: tuple[FlipDirection, ...] = ("fingertips", "wrist", "thumb", "little")
ROTATE_DIRECTIONS = ("cw", "ccw")


class FlipCurriculumConfig(BaseModel):
    """How fast the curriculum forgets and how rarely a mastered direction is drawn."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decay: float = Field(
        0.995, gt=0, le=1, description="weight kept by older counts at each recorded episode"
    )
    floor: float = Field(0.1, gt=0, le=1, description="least weight of any direction")
    prior: float = Field(0.5, ge=0, le=1, description="success rate assumed before any flip")
    power: float = Field(
        1.0, gt=0,
        description="exponent on the failure rates: above 1 the weights separate more (two "
        "directions failing 97% and 83% of the time get 0.54 of the draws at 1, 0.78 at 8)",
    )  # fmt: skip


class FlipCurriculum:
    """Sampling weights over directions (:data:`FLIP_DIRECTIONS` unless given) from recent
    outcomes."""

    def __init__(
        self, config: FlipCurriculumConfig | None = None,
        directions: tuple[str, ...] = FLIP_DIRECTIONS,
    ) -> None:  # fmt: skip
        self.config = config or FlipCurriculumConfig()
        self.directions = directions
        self.met = dict.fromkeys(directions, 0.0)
        self.tried = dict.fromkeys(directions, 0.0)

    def record(self, outcomes: Mapping[str, tuple[int, int]]) -> None:
        """One episode's flips: ``{direction: (met, tried)}``."""
        for direction in self.directions:
            met, tried = outcomes.get(direction, (0, 0))
            if met > tried:
                raise ValueError(f"{direction}: met {met} flips out of {tried} tried")
            self.met[direction] = self.config.decay * self.met[direction] + met
            self.tried[direction] = self.config.decay * self.tried[direction] + tried

    def success_rates(self) -> dict[str, float]:
        """Recent success rate of each direction (the prior where none was tried)."""
        return {
            d: self.met[d] / self.tried[d] if self.tried[d] > 1e-9 else self.config.prior
            for d in self.directions
        }

    def weights(self) -> dict[str, float]:
        """Sampling probabilities, proportional to failure rates raised to ``power`` (each
        at least ``floor``)."""
        power, floor = self.config.power, self.config.floor
        raw = {d: max((1.0 - rate) ** power, floor) for d, rate in self.success_rates().items()}
        total = sum(raw.values())
        return {d: value / total for d, value in raw.items()}

    def state_dict(self) -> dict[str, dict[str, float]]:
        """Counts, for checkpoints."""
        return {"met": dict(self.met), "tried": dict(self.tried)}

    def load_state_dict(self, state: Mapping[str, Mapping[str, float]]) -> None:
        """Restore counts saved by :meth:`state_dict`."""
        self.met = {d: float(state["met"][d]) for d in self.directions}
        self.tried = {d: float(state["tried"][d]) for d in self.directions}


def sum_flip_outcomes(
    outcomes: Iterable[Mapping[str, tuple[int, int]]],
) -> dict[str, list[int]]:
    """Episodes' ``{direction: (met, tried)}`` summed into ``[met, tried]`` for each of
    :data:`FLIP_DIRECTIONS`."""
    return sum_met_tried(outcomes, FLIP_DIRECTIONS)
