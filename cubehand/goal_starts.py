"""Where each goal of an evaluation started, and whether it was met.

A rotation is met from the cube's usual place and rarely after a flip; this module measures
where goals start and which are met. During an evaluation it reads, as each goal starts
(after the hand has opened between goals), where the cube lies on the palm
(:class:`~cubehand.sim.env.CubePlacement`) and what came before the goal, then marks the
goal met or failed, with where the cube lay as it ended (before the hand opened for the next
goal). Only the goals of the episodes that the evaluation counts are kept. The Markdown report
gives each goal kind's success by what came before it, by how far off its place and off square
the cube started, and where on the palm (toward the thumb or the little finger, the fingertips
or the wrist) met and missed goals started and ended.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from cubehand.sim.env import CubeEnv, CubePlacement

#: mm from the start place, the edges of the report's offset bins (the last is open).
OFFSET_EDGES_MM = (0.0, 10.0, 20.0, 30.0, 45.0)
#: degrees off square, the edges of the report's yaw bins (the last runs to 45).
YAW_EDGES_DEG = (0.0, 5.0, 15.0, 30.0)


@dataclass(frozen=True)
class GoalStart:
    """One goal: what came before it, where the cube lay as it started, how it ended."""

    kind: str
    before: str  # start, bank or restart (how the episode began), the goal met, or timeout
    direction: str | None  # cw or ccw for a rotation
    offset_mm: float
    yaw_deg: float
    tilt_deg: float
    speed: float  # rad/s
    met: bool
    failure: str | None  # why the episode ended at this goal (None where it was met)
    across_mm: float  # from the start place along hand x (+ toward the thumb side)
    along_mm: float  # from the start place along hand y (+ toward the fingertips)
    end_across_mm: float | None  # where the goal ended (None: not known)
    end_along_mm: float | None


@dataclass
class _Open:
    """A goal under way: its start, waiting for its end."""

    kind: str
    before: str
    direction: str | None
    placement: CubePlacement
    attempts: int


class GoalStartRecorder:
    """Follows a batch of environments through an evaluation (call :meth:`after_step` after
    each batched step, with the infos of episodes that ended before their reset)."""

    def __init__(self, envs: Sequence[CubeEnv]) -> None:
        self.envs = envs
        self.starts: list[GoalStart] = []
        self._episodes: list[list[GoalStart]] = [[] for _ in envs]
        self._open: list[_Open | None] = [self._open_goal(env, env.before, 1) for env in envs]

    def after_step(
        self, infos: Sequence[Mapping[str, Any]], done: np.ndarray, counted: Sequence[bool]
    ) -> None:
        """Close the goals that ended at this step and open the next ones; ``counted[i]``:
        whether environment ``i``'s episode that just ended counts (ignored where not done)."""
        for index, info in enumerate(infos):
            attempts = sum(info["attempts"].values())
            current = self._open[index]
            if done[index]:
                if current is not None:
                    failure = info["failure"]
                    end = info.get("goal_end")
                    self._episodes[index].append(_close(current, failure is None, failure, end))
                if counted[index]:
                    self.starts += self._episodes[index]
                self._episodes[index] = []
                env = self.envs[index]
                self._open[index] = self._open_goal(env, env.before, 1)
            elif current is not None and attempts > current.attempts:
                # the goal was met, or timed out with the episode going on (timeouts_allowed)
                before = str(info["sequel"]).split(">")[0]  # the kind just met, or timeout
                timed_out = before == "timeout"
                failure = "timeout" if timed_out else None
                end = info.get("goal_end")
                self._episodes[index].append(_close(current, not timed_out, failure, end))
                self._open[index] = self._open_goal(self.envs[index], before, attempts)

    @staticmethod
    def _open_goal(env: CubeEnv, before: str, attempts: int) -> _Open | None:
        if env.goal is None:
            return None
        return _Open(
            kind=env.goal.kind,
            before=before,
            direction=env.goal.direction if env.goal.kind == "rotate" else None,
            placement=env.cube_placement(),
            attempts=attempts,
        )


def _close(goal: _Open, met: bool, failure: str | None, end: CubePlacement | None) -> GoalStart:
    place = goal.placement
    return GoalStart(
        kind=goal.kind, before=goal.before, direction=goal.direction,
        offset_mm=1000.0 * place.offset, yaw_deg=float(np.degrees(place.yaw)),
        tilt_deg=float(np.degrees(place.tilt)), speed=place.speed,
        met=met, failure=None if met else failure,
        across_mm=1000.0 * place.across, along_mm=1000.0 * place.along,
        end_across_mm=None if end is None else 1000.0 * end.across,
        end_along_mm=None if end is None else 1000.0 * end.along,
    )  # fmt: skip


def goal_start_records(starts: Iterable[GoalStart]) -> list[dict[str, Any]]:
    """The goals as plain dictionaries (for JSON)."""
    return [asdict(start) for start in starts]


def distinct_places(starts: Iterable[GoalStart]) -> int:
    """How many different places (to 0.1 mm and 0.1 degrees) the goals started from."""
    return len({(round(s.offset_mm, 1), round(s.yaw_deg, 1)) for s in starts})


def _met_of(starts: Sequence[GoalStart]) -> str:
    return f"{sum(s.met for s in starts)}/{len(starts)}" if starts else "-"


def _median(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.1f}" if values else "-"


def _place(across: Sequence[float | None], along: Sequence[float | None]) -> str:
    """Median across, median along (mm), or - where there are none."""
    if not across:
        return "-"
    return f"{_median(across)}, {_median(along)}"  # type: ignore[arg-type]


def _bin_labels(edges: Sequence[float], last: str) -> list[str]:
    labels = [f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    return [*labels, last]


def _bin_of(value: float, edges: Sequence[float]) -> int:
    return max(0, int(np.searchsorted(edges, value, side="right")) - 1)


def goal_starts_markdown(starts: Sequence[GoalStart], title: str, greedy: bool = True) -> str:
    """Each goal kind's success by what came before it and by where the cube started
    (``greedy``: the evaluation's actions were greedy, so equal starts repeat a trajectory)."""
    lines = [f"# {title}", "", f"{len(starts)} goals. Offsets are mm from the cube's start "
             "place in the palm plane, yaws degrees off square with the hand, both read as "
             "the goal starts (after the hand has opened between goals).", ""]  # fmt: skip
    if greedy:
        lines += ["Greedy actions on fixed physics repeat: goals that start from the same "
                  "place (to 0.1 mm and 0.1 degrees) are one trajectory, counted under "
                  "*distinct*.", ""]  # fmt: skip
    else:
        lines += ["Sampled actions: goals from the same place (counted under *distinct*) "
                  "may still end differently.", ""]  # fmt: skip
    lines += ["| goal | met | distinct | offset met / missed | yaw met / missed | tilt "
              "| ended by |", "|---|---|---|---|---|---|---|"]  # fmt: skip
    groups = {key: [s for s in starts if (s.kind, s.before) == key]
              for key in sorted({(s.kind, s.before) for s in starts})}  # fmt: skip
    for (kind, before), group in groups.items():
        met = [s for s in group if s.met]
        missed = [s for s in group if not s.met]
        endings = Counter(str(s.failure) for s in missed)
        ended = ", ".join(f"{name} {count}" for name, count in sorted(endings.items())) or "-"
        lines.append(
            f"| {before} > {kind} | {_met_of(group)} | {distinct_places(group)} "
            f"| {_median([s.offset_mm for s in met])} / {_median([s.offset_mm for s in missed])} "
            f"| {_median([s.yaw_deg for s in met])} / {_median([s.yaw_deg for s in missed])} "
            f"| {_median([s.tilt_deg for s in group])} | {ended} |"
        )
    lines += ["", "Where on the palm, medians in mm from the start place: across (+ toward the "
              "thumb side, - the little finger) and along (+ toward the fingertips, - the "
              "wrist), as the goal started and as it ended (before the hand opened):", "",
              "| goal | met: start | met: end | missed: start | missed: end |",
              "|---|---|---|---|---|"]  # fmt: skip
    for (kind, before), group in groups.items():
        cells = []
        for met in (True, False):
            chosen = [s for s in group if s.met == met]
            ends = [s for s in chosen if s.end_across_mm is not None]
            cells.append(_place([s.across_mm for s in chosen], [s.along_mm for s in chosen]))
            cells.append(_place([s.end_across_mm for s in ends], [s.end_along_mm for s in ends]))
        lines.append(f"| {before} > {kind} | " + " | ".join(cells) + " |")
    befores = sorted({s.before for s in starts})
    for field, edges, unit, last in (
        ("offset_mm", OFFSET_EDGES_MM, "mm off the start place", f">{OFFSET_EDGES_MM[-1]:g}"),
        ("yaw_deg", YAW_EDGES_DEG, "degrees off square", f"{YAW_EDGES_DEG[-1]:g}-45"),
    ):
        labels = _bin_labels(edges, last)
        for kind in sorted({s.kind for s in starts}):
            lines += ["", f"{kind} goals met by {unit} at their start (columns) and what came "
                      "before (rows):", "", "| before | " + " | ".join(labels) + " |",
                      "|---|" + "---|" * len(labels)]  # fmt: skip
            for before in befores:
                group = [s for s in starts if s.kind == kind and s.before == before]
                if not group:
                    continue
                cells = [[s for s in group if _bin_of(getattr(s, field), edges) == b]
                         for b in range(len(labels))]  # fmt: skip
                lines.append(f"| {before} | " + " | ".join(_met_of(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
