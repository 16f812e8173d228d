"""Goals by how far the cube was turned off square with the hand as they started (the env
info ``start_yaws``), pooled over finished episodes: a goal after the first starts wherever
the last one and the opening hand left the cube, often well off square, which the
curriculum's fresh starts hide."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cubehand.sim.goals import GOAL_KINDS
from cubehand.skills.outcome_counts import sum_met_tried

#: Upper edges of the bins, in degrees off square (45 is the most a cube can be).
YAW_EDGES = (10, 20, 30, 45)
#: The bins' names, lowest first.
YAW_BINS = tuple(f"{low}-{high}" for low, high in zip((0, *YAW_EDGES[:-1]), YAW_EDGES, strict=True))
#: Every ``"kind low-high"`` key, in report order.
START_YAW_KEYS = tuple(f"{kind} {name}" for kind in GOAL_KINDS for name in YAW_BINS)


def start_yaw_key(kind: str, degrees: float) -> str:
    """The ``start_yaws`` key of a goal of ``kind`` that started ``degrees`` off square."""
    for name, high in zip(YAW_BINS, YAW_EDGES, strict=True):
        if degrees < high:
            return f"{kind} {name}"
    return f"{kind} {YAW_BINS[-1]}"


def sum_start_yaws(outcomes: Iterable[Mapping[str, tuple[int, int]]]) -> dict[str, list[int]]:
    """Episodes' ``{"kind low-high": (met, tried)}`` summed into ``[met, tried]`` for each of
    :data:`START_YAW_KEYS` (``[0, 0]`` where none was tried)."""
    return sum_met_tried(outcomes, START_YAW_KEYS)
