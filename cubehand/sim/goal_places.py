"""Where met goals left the cube, pooled over finished episodes (the env info
``goal_places``): reported by ``eval policy`` and logged in training."""

from __future__ import annotations

from typing import Any

from cubehand.sim.goals import GOAL_KINDS


def goal_places(episodes: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """Where met goals left the cube, by goal kind: mean mm off its rest point on the flat
    hand (``goal_offset_mm``), mean degrees turned off square with the hand
    (``goal_yaw_deg``), mean mm off its start place, where the start pose holds it and
    rotations start (``goal_start_offset_mm``), and mean degrees that the goal's face lies
    tilted off the palm normal (``goal_tilt_deg``), and the mean distance of the hand's joint
    targets from the start pose's, each scaled to [-1, 1] (``goal_pose_offset``); None for a
    kind never met. The next goal starts from there."""
    keys = ("goal_offset_mm", "goal_yaw_deg", "goal_start_offset_mm", "goal_tilt_deg",
            "goal_pose_offset")  # fmt: skip
    result: dict[str, dict[str, float | None]] = {key: {} for key in keys}
    for kind in GOAL_KINDS:
        met = sum(e["met"].get(kind, 0) for e in episodes)
        for i, key in enumerate(keys):
            total = sum(e["goal_places"].get(kind, (0.0,) * len(keys))[i] for e in episodes)
            result[key][kind] = total / met if met else None
    return result
