"""Where met goals left the cube, pooled over finished episodes (the env info
``goal_places``): reported by ``eval policy`` and logged in training."""

from __future__ import annotations

from typing import Any


def goal_places(episodes: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Where met goals left the cube, by goal kind: mean mm off its rest point on the palm
    (``goal_offset_mm``) and mean degrees turned off square with the hand
    (``goal_yaw_deg``); None for a kind never met. The next goal starts from there."""
    offset: dict[str, float | None] = {}
    yaw: dict[str, float | None] = {}
    for kind in ("rotate", "flip"):
        met = sum(e["met"][kind] for e in episodes)
        mm, degrees = (sum(e["goal_places"][kind][i] for e in episodes) for i in (0, 1))
        offset[kind] = mm / met if met else None
        yaw[kind] = degrees / met if met else None
    return {"goal_offset_mm": offset, "goal_yaw_deg": yaw}
