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

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.skills.success_ladder import SuccessLadder


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
