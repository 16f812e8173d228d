"""Pictures of results: training curves from a run's log."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_training_log(log: Path, out: Path) -> Path:
    """Mean reward, success rates and ADR entropy against environment steps, as a PNG."""
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    steps = [r["steps"] for r in records]
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    axes[0].plot(steps, [r["mean_reward"] for r in records])
    axes[0].set_title("mean reward per step")
    for key in ("rotate_success_rate", "flip_success_rate", "drop_rate"):
        points = [(r["steps"], r[key]) for r in records if r.get(key) is not None]
        if points:
            axes[1].plot(*zip(*points, strict=True), label=key.replace("_", " "))
    axes[1].set_title("goals met / episodes dropped")
    axes[1].set_ylim(-0.02, 1.02)
    axes[1].legend(fontsize=8)
    entropy = [(r["steps"], r["adr_entropy"]) for r in records if "adr_entropy" in r]
    if entropy:
        axes[2].plot(*zip(*entropy, strict=True))
    axes[2].set_title("ADR entropy (nats per dimension)")
    for axis in axes:
        axis.set_xlabel("environment steps")
        axis.grid(alpha=0.3)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out
