"""Automatic domain randomization (Akkaya et al. 2019, appendix B), as a pure algorithm.

Each parameter's range ``[low, high]`` starts at its nominal value. For each episode, with
probability ``boundary_probability`` one parameter (chosen uniformly) is pinned to its lower
or upper bound (chosen uniformly) and the episode's performance (successes) goes into that
bound's buffer. When a buffer holds ``buffer_size`` results, the bound moves outward by the
parameter's step if their mean is at least ``high_threshold``, inward (never past nominal)
if at most ``low_threshold``; then the buffer is cleared. No simulator import: the caller
turns ranges into physics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

Side = Literal["low", "high"]
#: Widths below this count as this in the entropy (a zero-width range has log-width -inf).
MIN_WIDTH = 1e-6


class AdrConfig(BaseModel):
    """ADR constants; defaults are the paper's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    boundary_probability: float = Field(0.5, ge=0, le=1, description="p_b")
    buffer_size: int = Field(240, ge=1, description="m, results per boundary decision")
    high_threshold: float = Field(20.0, description="t_H: widen when the mean is at least this")
    low_threshold: float = Field(10.0, description="t_L: narrow when the mean is at most this")
    count_restarts: bool = Field(
        True,
        description="whether episodes restarted from a recorded goal pose (env.goal_restarts) "
        "count toward the boundary buffers; false: only episodes started on the open hand, "
        "as evaluations start, so that the restarts' own curriculum does not move the ranges",
    )
    count_square_goals: bool = Field(
        False,
        description="whether met square goals (env.square_first) count toward an episode's "
        "performance beside its successes; with square goals in front of rotations, "
        "successes alone fall far below the thresholds and every range shrinks to nominal",
    )


@dataclass(frozen=True)
class AdrParameter:
    """A randomized parameter as ADR sees it."""

    name: str
    nominal: float
    limits: tuple[float, float]
    step: float


@dataclass(frozen=True)
class Boundary:
    """The parameter bound an episode was pinned to."""

    name: str
    side: Side


class ADR:
    """Ranges, boundary buffers and the update rule.

    Args:
        parameters: the randomized parameters.
        config: the constants.
        rng: the generator that picks boundary episodes.
    """

    def __init__(
        self, parameters: Sequence[AdrParameter], config: AdrConfig, rng: np.random.Generator
    ) -> None:
        self.parameters = {p.name: p for p in parameters}
        self.config = config
        self.rng = rng
        self.ranges: dict[str, list[float]] = {p.name: [p.nominal, p.nominal] for p in parameters}
        self.buffers: dict[tuple[str, Side], list[float]] = {
            (p.name, side): [] for p in parameters for side in ("low", "high")
        }

    def episode_ranges(self) -> tuple[dict[str, tuple[float, float]], Boundary | None]:
        """Ranges to sample one episode from, and the pinned boundary if any."""
        ranges = {name: (low, high) for name, (low, high) in self.ranges.items()}
        if self.rng.random() >= self.config.boundary_probability:
            return ranges, None
        names = sorted(self.parameters)
        name = names[int(self.rng.integers(len(names)))]
        side: Side = "low" if self.rng.random() < 0.5 else "high"
        value = self.ranges[name][0 if side == "low" else 1]
        ranges[name] = (value, value)
        return ranges, Boundary(name, side)

    def record(self, boundary: Boundary | None, performance: float) -> bool:
        """Add an episode's performance to its boundary's buffer; True if a bound moved."""
        if boundary is None:
            return False
        buffer = self.buffers[(boundary.name, boundary.side)]
        buffer.append(float(performance))
        if len(buffer) < self.config.buffer_size:
            return False
        mean = float(np.mean(buffer))
        buffer.clear()
        if mean >= self.config.high_threshold:
            return self._move(boundary, outward=True)
        if mean <= self.config.low_threshold:
            return self._move(boundary, outward=False)
        return False

    def entropy(self) -> float:
        """Mean log-width of the ranges, in nats per dimension."""
        widths = [max(high - low, MIN_WIDTH) for low, high in self.ranges.values()]
        return float(np.mean(np.log(widths)))

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume: ranges, buffers and the generator's state."""
        return {
            "ranges": {name: list(bounds) for name, bounds in self.ranges.items()},
            "buffers": {f"{name}:{side}": list(b) for (name, side), b in self.buffers.items()},
            "rng": self.rng.bit_generator.state,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved (parameters must match)."""
        if set(state["ranges"]) != set(self.parameters):
            raise ValueError("the saved ADR state has other parameters than this ADR")
        self.ranges = {name: list(bounds) for name, bounds in state["ranges"].items()}
        for key, values in state["buffers"].items():
            name, side = key.rsplit(":", 1)
            self.buffers[(name, side)] = list(values)  # type: ignore[index]
        self.rng.bit_generator.state = state["rng"]

    def _move(self, boundary: Boundary, outward: bool) -> bool:
        parameter = self.parameters[boundary.name]
        bounds = self.ranges[boundary.name]
        index = 0 if boundary.side == "low" else 1
        direction = (-1 if boundary.side == "low" else 1) * (1 if outward else -1)
        value = bounds[index] + direction * parameter.step
        if boundary.side == "low":
            value = min(max(value, parameter.limits[0]), parameter.nominal)
        else:
            value = max(min(value, parameter.limits[1]), parameter.nominal)
        moved = value != bounds[index]
        bounds[index] = value
        return moved
