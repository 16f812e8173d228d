"""A policy run's log (``runs/NAME/log.jsonl``) pooled over windows of environment steps:
the figures a person compares between the start and the end of a run (goals per episode,
fresh and restarted, rotate and flip rates by direction, rotations by what came before
them and by how far the cube was turned as they started, where met goals left the cube,
drops, entropy, the restart curriculum's reach)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from cubehand.sim.start_yaws import YAW_BINS
from cubehand.solver.errors import CubeError

FLIP_DIRECTIONS = ("fingertips", "wrist", "thumb", "little")
#: Log fields of where met goals left the cube: mm off its rest point and its start place.
PLACE_FIELDS = ("goal_offset_mm", "goal_start_offset_mm", "goal_tilt_deg")


@dataclass
class WindowSummary:
    """Counts pooled over the rollouts of one window (sampled actions, as in training)."""

    first_steps: int  # environment steps at the window's first logged rollout
    last_steps: int  # ... and at its last
    rollouts: int = 0
    episodes: int = 0
    goals: float = 0.0
    restarted_episodes: int = 0
    restarted_goals: float = 0.0
    rotate: list[float] = field(default_factory=lambda: [0, 0])  # [met, tried]
    flip: list[float] = field(default_factory=lambda: [0, 0])
    flip_directions: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0, 0] for name in FLIP_DIRECTIONS}
    )
    #: mm off its rest point (``goal_offset_mm``) and off its start place
    #: (``goal_start_offset_mm``) at which met goals left the cube, and degrees tilted
    #: (``goal_tilt_deg``): [sum, goals] by log field and kind (logs with those fields)
    left_mm: dict[str, dict[str, list[float]]] = field(
        default_factory=lambda: {
            name: {"rotate": [0.0, 0], "flip": [0.0, 0]} for name in PLACE_FIELDS
        }
    )
    #: goals by what came before them, ``"before>kind"``: [met, tried] (logs with
    #: ``goal_sequels``)
    sequels: dict[str, list[int]] = field(default_factory=dict)
    #: goals by degrees off square as they started, ``"kind low-high"``: [met, tried] (logs
    #: with ``start_yaws``)
    start_yaws: dict[str, list[int]] = field(default_factory=dict)
    drops: int = 0
    entropy_sum: float = 0.0
    adr_entropy: float | None = None  # at the window's last rollout, where ADR is on
    restart_reach: float | None = None  # ... and where the restart curriculum is on

    def add(self, record: dict) -> None:
        """Pool one rollout's record into the window."""
        episodes = int(record.get("episodes") or 0)
        self.last_steps = int(record["steps"])
        self.rollouts += 1
        self.entropy_sum += float(record.get("entropy") or 0.0)
        self.adr_entropy = record.get("adr_entropy", self.adr_entropy)
        self.restart_reach = record.get("restart_reach", self.restart_reach)
        self.episodes += episodes
        self.goals += (record.get("mean_successes") or 0.0) * episodes
        restarted = int(record.get("restarted_episodes") or 0)
        self.restarted_episodes += restarted
        self.restarted_goals += (record.get("restarted_mean_successes") or 0.0) * restarted
        self.drops += round((record.get("drop_rate") or 0.0) * episodes)
        for kind, pair in (("rotate", self.rotate), ("flip", self.flip)):
            met, tried = goal_counts(record, kind)
            pair[0] += met
            pair[1] += tried
            for name, pooled in self.left_mm.items():
                offset = (record.get(name) or {}).get(kind)
                if offset is not None:
                    pooled[kind][0] += offset * met
                    pooled[kind][1] += met
        for pooled, logged in (
            (self.flip_directions, record.get("flip_directions")),
            (self.sequels, record.get("goal_sequels")),
            (self.start_yaws, record.get("start_yaws")),
        ):
            for name, (met, tried) in (logged or {}).items():
                counts = pooled.setdefault(name, [0, 0])
                counts[0] += int(met)
                counts[1] += int(tried)

    def figures(self) -> dict:
        """Rates and means of the window, with its raw counts."""
        fresh = self.episodes - self.restarted_episodes
        return {
            "first_steps": self.first_steps,
            "last_steps": self.last_steps,
            "rollouts": self.rollouts,
            "episodes": self.episodes,
            "goals_per_episode": _ratio(self.goals, self.episodes),
            "goals_per_fresh_episode": _ratio(self.goals - self.restarted_goals, fresh),
            "restarted_episodes": self.restarted_episodes,
            "goals_per_restarted_episode": _ratio(self.restarted_goals, self.restarted_episodes),
            "rotate_success_rate": _ratio(*self.rotate),
            "flip_success_rate": _ratio(*self.flip),
            "drop_rate": _ratio(self.drops, self.episodes),
            "entropy": _ratio(self.entropy_sum, self.rollouts),
            "rotate": self.rotate,
            "flip": self.flip,
            "flip_directions": self.flip_directions,
            "goal_sequels": self.sequels,
            "start_yaws": self.start_yaws,
            "drops": self.drops,
            "adr_entropy": self.adr_entropy,
            "restart_reach": self.restart_reach,
            **{
                name: {kind: _ratio(*pair) for kind, pair in pooled.items()}
                for name, pooled in self.left_mm.items()
            },
        }


def goal_counts(record: dict, kind: str) -> tuple[float, float]:
    """(goals met, goals tried) of one rollout's finished episodes; logs without counts
    give the rate weighted by the number of episodes."""
    if f"{kind}_tried" in record:
        return record[f"{kind}_met"], record[f"{kind}_tried"]
    rate = record.get(f"{kind}_success_rate")
    if rate is None:
        return 0.0, 0.0
    return rate * record["episodes"], record["episodes"]


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def read_log(path: Path) -> list[dict]:
    """The records of a policy run's log; a missing, empty or broken file is a CubeError."""
    if not path.is_file():
        raise CubeError(f"{path} does not exist")
    records = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise CubeError(f"{path}, line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict) or "steps" not in record:
            raise CubeError(f"{path}, line {number}: not a policy run's record (no 'steps')")
        records.append(record)
    if not records:
        raise CubeError(f"{path} holds no records")
    return records


def summarize(records: list[dict], window_steps: int, since: int = 0) -> list[dict]:
    """Pool records logged after ``since`` steps into windows of ``window_steps``, counted from
    the first such record; each window's :meth:`WindowSummary.figures`."""
    if window_steps <= 0:
        raise CubeError(f"the window must be a positive number of steps, got {window_steps}")
    kept = [r for r in records if r["steps"] > since]
    if not kept:
        raise CubeError(f"no records after {since:,} steps")
    origin = kept[0]["steps"]
    windows: list[WindowSummary] = []
    current = -1
    for record in kept:
        index = (record["steps"] - origin) // window_steps
        if index != current:
            windows.append(WindowSummary(first_steps=record["steps"], last_steps=record["steps"]))
            current = index
        windows[-1].add(record)
    return [window.figures() for window in windows]


def markdown_table(windows: list[dict]) -> str:
    """The windows as a Markdown table (rates to three places, met/tried beside them)."""

    def rate(value: float | None) -> str:
        return "-" if value is None else f"{value:.3f}"

    def places(offsets: dict[str, float | None]) -> str:
        return " / ".join("-" if offsets[k] is None else f"{offsets[k]:.1f}" for k in offsets)

    header = ("| steps | episodes | goals per episode (fresh / restarted) | rotate | flip | "
              + " | ".join(FLIP_DIRECTIONS) + " | rotate after a flip / rotate / restart / bank "
              "| rotate by degrees off square at its start ("
              + " / ".join(YAW_BINS) + ") "
              "| left at, mm (rotate / flip) | mm off the start place | degrees tilted | drops "
              "| entropy "
              "| ADR entropy | restart reach |")  # fmt: skip
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for w in windows:
        directions = " | ".join(
            "{}/{}".format(*w["flip_directions"].get(name, [0, 0])) for name in FLIP_DIRECTIONS
        )
        after = " / ".join(
            "{}/{}".format(*w["goal_sequels"].get(f"{before}>rotate", [0, 0]))
            for before in ("flip", "rotate", "restart", "bank")
        )
        yaws = " / ".join(
            "{}/{}".format(*w["start_yaws"].get(f"rotate {name}", [0, 0])) for name in YAW_BINS
        )
        lines.append(
            f"| {w['first_steps']:,}-{w['last_steps']:,} | {w['episodes']:,} "
            f"| {rate(w['goals_per_episode'])} ({rate(w['goals_per_fresh_episode'])} / "
            f"{rate(w['goals_per_restarted_episode'])}) "
            f"| {rate(w['rotate_success_rate'])} ({w['rotate'][0]:.0f}/{w['rotate'][1]:.0f}) "
            f"| {rate(w['flip_success_rate'])} ({w['flip'][0]:.0f}/{w['flip'][1]:.0f}) "
            f"| {directions} | {after} | {yaws} | {places(w['goal_offset_mm'])} "
            f"| {places(w['goal_start_offset_mm'])} | {places(w['goal_tilt_deg'])} "
            f"| {rate(w['drop_rate'])} "
            f"| {rate(w['entropy'])} | {rate(w['adr_entropy'])} | {rate(w['restart_reach'])} |"
        )
    return "\n".join(lines) + "\n"
