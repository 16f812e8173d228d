"""Robustness benchmark: full solves of fair random-state scrambles under perturbations.

Every condition solves the same scrambles (drawn from the benchmark seed) on the mechanical
cube with the same episode seeds; only the perturbation differs. A "half" solve meets 22
subgoals (the paper's figure), a full solve all of them with the cube solved at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from cubehand.evaluation import LoadedPolicy
from cubehand.sim.env import PoseSource
from cubehand.sim.perturbations import PerturbationName
from cubehand.skills.scheduler import SchedulerConfig, plan
from cubehand.solve import SolveReport, solve_in_simulation
from cubehand.solver.orientation import Orientation
from cubehand.solver.scramble import fair_scramble
from cubehand.solver.two_phase import TwoPhaseSolver

CONDITIONS: tuple[str, ...] = ("nominal", "tied-fingers", "glove", "plush", "pen-poke")
#: With a pose source: nominal physics, the policy seeing the vision model's estimates.
VISION_CONDITION = "vision"
HALF_SOLVE = 22


def conditions(vision: bool) -> tuple[str, ...]:
    """The benchmark's conditions, in order (the vision one last, if asked for)."""
    return (*CONDITIONS, VISION_CONDITION) if vision else CONDITIONS


def run_benchmark(
    loaded: LoadedPolicy, episodes: int, seed: int, goal_timeout: int = 800,
    on_solve: Callable[[str, SolveReport], None] | None = None,
    pose_source: PoseSource | None = None,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    """Solve ``episodes`` scrambles per condition; summary figures by condition. With
    ``pose_source`` (a vision model) one more condition solves them at nominal physics with
    the policy seeing its estimates."""
    solver = TwoPhaseSolver()
    rng = np.random.default_rng(seed)
    plans = [
        plan(fair_scramble(rng, solver).state, Orientation.identity(), solver, SchedulerConfig())
        for _ in range(episodes)
    ]
    results: dict[str, dict[str, Any]] = {}
    for condition in conditions(pose_source is not None):
        nominal = condition in ("nominal", VISION_CONDITION)
        perturb: PerturbationName | None = None if nominal else condition  # type: ignore[assignment]
        source = pose_source if condition == VISION_CONDITION else None
        reports = []
        for index, scheduled in enumerate(plans):
            report = solve_in_simulation(
                loaded, scheduled, "full", seed * 10_000 + index, perturb, goal_timeout,
                pose_source=source,
            )  # fmt: skip
            reports.append(report)
            if on_solve is not None:
                on_solve(condition, report)
        results[condition] = summarize(reports)
    return results


def summarize(reports: list[SolveReport]) -> dict[str, Any]:
    """Mean and median successes, half and full solve fractions, mean time of full solves."""
    successes = np.array([r.successes for r in reports])
    solved = [r for r in reports if r.solved]
    return {
        "episodes": len(reports),
        "mean_successes": float(successes.mean()),
        "median_successes": float(np.median(successes)),
        "half_solves": float(np.mean(successes >= HALF_SOLVE)),
        "full_solves": len(solved) / len(reports),
        "mean_solve_seconds": float(np.mean([r.sim_seconds for r in solved])) if solved else None,
        "drops": int(sum(r.drops for r in reports)),
    }


def write_report(results: dict[str, dict[str, Any]], out: Path, header: str) -> list[Path]:
    """A Markdown table and a PNG bar chart of ``results`` in folder ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    lines = [f"# Robustness benchmark\n\n{header}\n",
             "| condition | episodes | mean successes | median | half solves | full solves "
             "| mean solve time (s) | drops |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for condition, row in results.items():
        time = "-" if row["mean_solve_seconds"] is None else f"{row['mean_solve_seconds']:.1f}"
        lines.append(
            f"| {condition} | {row['episodes']} | {row['mean_successes']:.2f} | "
            f"{row['median_successes']:.1f} | {row['half_solves']:.0%} | "
            f"{row['full_solves']:.0%} | {time} | {row['drops']} |"
        )
    markdown = out / "perturb.md"
    markdown.write_text("\n".join(lines) + "\n")
    figure, axis = plt.subplots(figsize=(7, 3.5))
    names = list(results)
    axis.bar(names, [results[n]["mean_successes"] for n in names], color="#4c72b0")
    axis.set_ylabel("mean successes per solve")
    axis.set_title("Subgoals met before the solve ended, by condition")
    figure.tight_layout()
    chart = out / "perturb.png"
    figure.savefig(chart, dpi=120)
    plt.close(figure)
    return [markdown, chart]
