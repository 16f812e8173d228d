"""A curriculum from the locked cube toward the mechanical one: side layers unlocked gradually.

Skills pre-trained on the locked cube turn side and bottom layers of the mechanical cube
instead of its top. The environment can damp the hinges of every face that the current
goal does not turn (:attr:`cubehand.sim.env.CubeEnv.layer_lock`, N m s/rad), which keeps
those faces nearly still, as on the locked cube; this curriculum takes that damping
away as the rotations succeed, and puts it back if they collapse, with the two-threshold
rule of ADR (``../shared/reference/dactyl-facts.md``): after every ``window`` rotate goals,
a success rate of at least ``unlock_at`` multiplies the lock by ``factor``, one of at most
``relock_at`` divides it by ``factor`` (never above ``start``). Below ``floor`` the lock
is 0: the cube as built. A pure class: no simulator import.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LayerLockConfig(BaseModel):
    """Where the lock starts, how it steps and what success moves it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: float = Field(5.0, gt=0, description="damping (N m s/rad) added at first")
    factor: float = Field(0.5, gt=0, lt=1, description="lock kept at each unlocking step")
    floor: float = Field(0.2, ge=0, description="below this the lock is taken away entirely")
    window: int = Field(200, ge=1, description="rotate goals between decisions")
    unlock_at: float = Field(0.5, gt=0, le=1, description="rotate success rate that unlocks")
    relock_at: float = Field(0.05, ge=0, le=1, description="rotate success rate that relocks")

    @model_validator(mode="after")
    def _thresholds_ordered(self) -> LayerLockConfig:
        if self.relock_at >= self.unlock_at:
            raise ValueError("relock_at must be below unlock_at")
        return self


class SuccessLadder:
    """A level stepped up after ``window`` rotate goals succeed at ``up_at`` or better and
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
        """One episode's rotate goals; decides once ``window`` of them were tried."""
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


class LayerLock(SuccessLadder):
    """The current lock and the rotate outcomes since the last decision."""

    def __init__(self, config: LayerLockConfig | None = None) -> None:
        self.config = config or LayerLockConfig()
        super().__init__(self.config.window, self.config.unlock_at, self.config.relock_at)

    @property
    def value(self) -> float:
        """Damping to add to the hinges that the goal does not turn (0: the cube as built)."""
        lock = self.config.start * self.config.factor**self.level
        return 0.0 if lock < self.config.floor else lock

    @property
    def at_top(self) -> bool:
        """Unlocked entirely: nothing left to take away."""
        return self.value == 0.0
