"""Goals by what came just before them, pooled over finished episodes (the env info
``sequels``): a solve needs rotations right after flips, which the overall rotate rate
hides behind the first goal of each episode."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, get_args

from cubehand.sim.env import Failure
from cubehand.sim.goals import GOAL_KINDS
from cubehand.skills.outcome_counts import sum_met_tried

#: What can come before a goal: the episode's start (or, in training, a restart from a
#: recorded goal pose, or a start from a pose bank), a met goal, or a timed-out goal.
BEFORE = ("start", "restart", "bank", *GOAL_KINDS, "timeout")
#: Every ``"before>kind"`` key, in report order.
SEQUELS = tuple(f"{before}>{kind}" for before in BEFORE for kind in GOAL_KINDS)


def sum_goal_sequels(outcomes: Iterable[Mapping[str, tuple[int, int]]]) -> dict[str, list[int]]:
    """Episodes' ``{"before>kind": (met, tried)}`` summed into ``[met, tried]`` for each of
    :data:`SEQUELS` (``[0, 0]`` where none was tried)."""
    return sum_met_tried(outcomes, SEQUELS)


#: How an episode can end on a goal it did not meet.
ENDINGS: tuple[str, ...] = get_args(Failure)


def sum_goal_endings(infos: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Finished episodes' last infos counted by the goal they failed (its ``sequel`` key)
    and how (its ``failure``): where, and how, a run of goals breaks off. Episodes that met
    all their goals are left out; only keys with a failure are listed, in :data:`SEQUELS`
    order."""
    counts = {key: dict.fromkeys(ENDINGS, 0) for key in SEQUELS}
    for info in infos:
        if info.get("failure") is not None and info.get("sequel") in counts:
            counts[info["sequel"]][info["failure"]] += 1
    return {key: ends for key, ends in counts.items() if any(ends.values())}
