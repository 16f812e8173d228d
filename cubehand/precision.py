"""Number formats for training forward passes: float32, or bfloat16 autocast (weights,
optimizer and losses stay float32)."""

from __future__ import annotations

from typing import Literal

import torch

Precision = Literal["float32", "bfloat16"]


def autocast(device_type: str, precision: Precision) -> torch.autocast:
    """A bfloat16 autocast region on ``device_type`` when ``precision`` asks for one, else a
    region that changes nothing."""
    return torch.autocast(device_type, dtype=torch.bfloat16, enabled=precision == "bfloat16")
