"""Pictures of results: training curves from a run's log (policy or visual ADR runs)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from cubehand.training_summary import goal_counts  # noqa: E402


def plot_training_log(log: Path, out: Path, window: int = 20) -> Path:
    """Mean reward, success and drop rates and successes per episode (pooled over ``window``
    rollouts) and ADR entropy against environment steps, as a PNG; a visual ADR run's log
    (records per shard) goes to :func:`plot_vision_adr_records`."""
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    if records and "shard" in records[0]:  # visual ADR logs count shards, not steps
        return plot_vision_adr_records(records, out)
    steps = [r["steps"] for r in records]
    figure, axes = plt.subplots(1, 4, figsize=(17, 3.6))
    axes[0].plot(steps, [r["mean_reward"] for r in records])
    axes[0].set_title("mean reward per step")
    for kind in ("rotate", "flip"):
        points = _windowed(records, window, lambda r, k=kind: goal_counts(r, k))
        if points:
            axes[1].plot(*zip(*points, strict=True), label=f"{kind} goals met / tried")
    drops = _windowed(
        records, window, lambda r: (round((r.get("drop_rate") or 0) * r["episodes"]), r["episodes"])
    )
    if drops:
        axes[1].plot(*zip(*drops, strict=True), label="episodes dropped")
    axes[1].set_title(f"rates over windows of {window} rollouts")
    axes[1].set_ylim(-0.02, 1.02)
    if axes[1].get_lines():  # a run too short for one window plots nothing
        axes[1].legend(fontsize=8)
    successes = _windowed(
        records, window, lambda r: ((r.get("mean_successes") or 0) * r["episodes"], r["episodes"])
    )
    if successes:
        axes[2].plot(*zip(*successes, strict=True))
    axes[2].set_title(f"goals met per episode (windows of {window})")
    title, points = _curriculum_panel(records)
    if points:
        axes[3].plot(*zip(*points, strict=True))
    axes[3].set_title(title)
    return _save(figure, axes, "environment steps", out)


def plot_vision_adr_records(records: list[dict], out: Path) -> Path:
    """A visual ADR run per shard: the share of renders that met the accuracy targets (all,
    and those pinned to a bound), the ADR entropy, and every parameter's range."""
    shards = [r["shard"] for r in records]
    figure, axes = plt.subplots(1, 3, figsize=(15, 3.8))
    axes[0].plot(shards, [r["met_share"] for r in records], label="all renders")
    pinned = [(r["shard"], r["boundary_met_share"]) for r in records
              if r.get("boundary_met_share") is not None]  # fmt: skip
    if pinned:
        axes[0].plot(*zip(*pinned, strict=True), label="renders at a bound")
    axes[0].set_title("share of renders meeting all targets")
    axes[0].set_ylim(-0.02, 1.02)
    axes[0].legend(fontsize=8)
    axes[1].plot(shards, [r["adr_entropy"] for r in records])
    axes[1].set_title("ADR entropy (nats per dimension)")
    for name in records[0]["adr_ranges"]:
        low = [r["adr_ranges"][name][0] for r in records]
        high = [r["adr_ranges"][name][1] for r in records]
        line = axes[2].plot(shards, high, label=name)[0]
        axes[2].plot(shards, low, color=line.get_color())
    axes[2].set_title("ranges (units of each deviation)")
    axes[2].legend(fontsize=6, ncol=2)
    return _save(figure, axes, "shards", out)


def _save(figure, axes, xlabel: str, out: Path) -> Path:
    """Label and grid every panel, write the figure to ``out`` as a PNG and close it."""
    for axis in axes:
        axis.set_xlabel(xlabel)
        axis.grid(alpha=0.3)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


def _curriculum_panel(records: list[dict]) -> tuple[str, list[tuple[int, float]]]:
    """The last panel: ADR entropy, or without ADR the stiffness ramp's, the start
    spread's or the restart reach's fraction if logged."""
    entropy = [(r["steps"], r["adr_entropy"]) for r in records if "adr_entropy" in r]
    if entropy:
        return "ADR entropy (nats per dimension)", entropy
    for key, title in (("cube_stiffness", "cube stiffness (fraction of nominal)"),
                       ("start_spread", "start spread (fraction of the configured)"),
                       ("restart_reach", "restart reach (fraction of restart_blend)")):  # fmt: skip
        curve = [(r["steps"], r[key]) for r in records if key in r]
        if curve:
            return title, curve
    return "ADR entropy (nats per dimension)", entropy


def _windowed(records: list[dict], window: int, counts) -> list[tuple[int, float]]:
    """Pooled rate (sum of numerators / sum of denominators) over consecutive windows."""
    points = []
    for start in range(0, len(records), window):
        chunk = records[start : start + window]
        pairs = [counts(r) for r in chunk]
        total = sum(d for _, d in pairs)
        if total:
            points.append((chunk[-1]["steps"], sum(n for n, _ in pairs) / total))
    return points
