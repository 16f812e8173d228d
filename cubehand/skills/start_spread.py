"""A curriculum for where episodes start: the cube dropped farther from its place as goals succeed.

When the hand opens after a goal (``EnvConfig.release_steps``) the cube settles tens of
millimetres from its usual place on the palm, turned about the palm normal, and a policy
that only ever started from the usual place meets nothing from there. The environment can
drop the cube displaced and turned at each reset (``EnvConfig.start_offset``,
``start_yaw``); this curriculum scales both by a fraction that starts at 0 and steps up by
``step`` whenever ``window`` goals (of either kind, or rotations only: ``goals``) succeeded
at ``widen_at`` or better, and back after a window at ``narrow_at`` or worse (the
two-threshold rule of ADR, ``../shared/reference/dactyl-facts.md``). A pure class: no
simulator import.

The same fraction also drives how far restarts go toward recorded goal poses
(``TrainConfig.restart_reach``, fed one try per restarted episode).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.skills.success_ladder import SuccessLadder


class StartSpreadConfig(BaseModel):
    """How the fraction steps and what success moves it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    step: float = Field(0.1, gt=0, le=1, description="fraction added at each widening")
    window: int = Field(200, ge=1, description="goals between decisions")
    widen_at: float = Field(0.3, gt=0, le=1, description="goal success rate that widens")
    narrow_at: float = Field(0.1, ge=0, le=1, description="goal success rate that narrows")
    goals: Literal["all", "rotate"] = Field(
        "all",
        description="the goals counted: all (either kind) or rotations only (where flips, "
        "met from displaced starts about as often as from the usual place, would widen the "
        "spread past what rotations can follow)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> StartSpreadConfig:
        if self.narrow_at >= self.widen_at:
            raise ValueError("narrow_at must be below widen_at")
        return self


class StartSpread(SuccessLadder):
    """The current fraction of the configured start offset and yaw."""

    def __init__(self, config: StartSpreadConfig | None = None) -> None:
        self.config = config or StartSpreadConfig()
        super().__init__(self.config.window, self.config.widen_at, self.config.narrow_at)

    @property
    def value(self) -> float:
        """Fraction of ``start_offset`` and ``start_yaw`` for the next episodes (0 to 1)."""
        return min(self.level * self.config.step, 1.0)

    def record_episode(self, met: Mapping[str, int], tried: Mapping[str, int]) -> None:
        """Count an episode's goals met and tried by kind (``rotate``, ``flip``), as
        ``goals`` says."""
        kinds = ("rotate",) if self.config.goals == "rotate" else tuple(tried)
        self.record(sum(met.get(k, 0) for k in kinds), sum(tried.get(k, 0) for k in kinds))

    @property
    def at_top(self) -> bool:
        """At the full configured spread."""
        return self.value >= 1.0
