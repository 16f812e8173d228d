"""Automatic domain randomization of the visuals, driven by the pose network's accuracy.

As in the original's vision training, every visual range starts at zero randomization and
grows where the network is accurate. Each parameter of the visual registry becomes one ADR
dimension, measured in units of its deviation around nominal (so ``[-1, 1]`` is the full
range that ``visual_scale: 1`` draws). An episode pinned to a bound records, for each of its
renders, whether the network's estimate met all three accuracy targets (5 deg orientation,
5 mm position, 5 deg top face angle by default); a full buffer widens the bound when the
share that met them is at least ``high_threshold`` and narrows it when at most
``low_threshold``. The algorithm itself is :class:`cubehand.skills.adr.ADR`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cubehand.perception.visual_randomization import VISUAL_PARAMETERS, sample_visuals_within
from cubehand.skills.adr import ADR, AdrConfig, AdrParameter, Boundary


class VisionAdrConfig(BaseModel):
    """Constants of the visual ADR (the run's ``epochs`` count its shards)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    boundary_probability: float = Field(0.5, ge=0, le=1, description="p_b")
    buffer_size: int = Field(64, ge=1, description="renders per boundary decision")
    high_threshold: float = Field(
        0.5, ge=0, le=1, description="widen when at least this share of renders met the targets"
    )
    low_threshold: float = Field(
        0.25, ge=0, le=1, description="narrow when at most this share met them"
    )
    step: float = Field(0.1, gt=0, le=1, description="bound step, in units of the deviation")
    orientation_deg: float = Field(5.0, gt=0, description="accuracy target")
    position_mm: float = Field(5.0, gt=0, description="accuracy target")
    face_angle_deg: float = Field(5.0, gt=0, description="accuracy target")

    @model_validator(mode="after")
    def _thresholds_in_order(self) -> VisionAdrConfig:
        if self.low_threshold > self.high_threshold:
            raise ValueError("adr: low_threshold must not exceed high_threshold")
        return self


def met_targets(errors: Mapping[str, np.ndarray], config: VisionAdrConfig) -> np.ndarray:
    """Per render: whether all three errors (as :func:`pose_errors` names them) are within
    their targets."""
    return (
        (errors["orientation_deg"] <= config.orientation_deg)
        & (errors["position_mm"] <= config.position_mm)
        & (errors["face_angle_deg"] <= config.face_angle_deg)
    )


class VisualAdr:
    """ADR over the visual registry: draws episodes' visuals and records renders' accuracy.

    Args:
        config: the constants.
        rng: the generator that picks boundary episodes (visual values are drawn from the
            render generator passed to :meth:`draw`).
    """

    def __init__(self, config: VisionAdrConfig, rng: np.random.Generator) -> None:
        self.config = config
        parameters = [AdrParameter(p.name, 0.0, (-1.0, 1.0), config.step)
                      for p in VISUAL_PARAMETERS]  # fmt: skip
        adr_config = AdrConfig(
            boundary_probability=config.boundary_probability, buffer_size=config.buffer_size,
            high_threshold=config.high_threshold, low_threshold=config.low_threshold,
        )  # fmt: skip
        self.adr = ADR(parameters, adr_config, rng)

    def draw(self, rng: np.random.Generator) -> tuple[dict[str, np.ndarray], Boundary | None]:
        """One episode's visual values from the current ranges, and its pinned bound."""
        ranges, boundary = self.adr.episode_ranges()
        return sample_visuals_within(ranges, rng), boundary

    def record(self, tags: Sequence[object], met: np.ndarray) -> int:
        """Record each render's result in its bound's buffer (untagged renders are skipped);
        returns how many bounds moved."""
        moved = 0
        for tag, success in zip(tags, met, strict=True):
            if isinstance(tag, Boundary):
                moved += self.adr.record(tag, float(success))
        return moved

    def entropy(self) -> float:
        """Mean log-width of the ranges (nats per dimension)."""
        return self.adr.entropy()

    def ranges(self) -> dict[str, list[float]]:
        """Every parameter's current range, in units of its deviation."""
        return {name: [round(low, 6), round(high, 6)] for name, (low, high) in
                self.adr.ranges.items()}  # fmt: skip

    def mean_width(self) -> float:
        """Mean range width as a share of the full range (0: none drawn, 1: all of it)."""
        return float(np.mean([(high - low) / 2.0 for low, high in self.adr.ranges.values()]))

    def state_dict(self) -> dict[str, Any]:
        """Ranges, buffers and the generator's state."""
        return self.adr.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self.adr.load_state_dict(state)
