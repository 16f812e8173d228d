"""Benchmark of the solver and the goal scheduler on fair random states."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cubehand.skills.scheduler import SchedulerConfig, plan, schedule_openai
from cubehand.solver.moves import count_htm, count_qtm
from cubehand.solver.orientation import Orientation
from cubehand.solver.scramble import random_state
from cubehand.solver.two_phase import TwoPhaseSolver


@dataclass
class SolverBenchmark:
    """Per-state measurements; summarised by :meth:`summary`."""

    seed: int
    solve_ms: list[float] = field(default_factory=list)
    plan_ms: list[float] = field(default_factory=list)
    htm: list[int] = field(default_factory=list)
    qtm: list[int] = field(default_factory=list)
    subgoals_openai: list[int] = field(default_factory=list)
    subgoals_minimal: list[int] = field(default_factory=list)
    flips_openai: list[int] = field(default_factory=list)
    flips_minimal: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The figures the CLI prints (times in ms, counts as means)."""
        openai = float(np.mean(self.subgoals_openai))
        minimal = float(np.mean(self.subgoals_minimal))
        return {
            "n": len(self.solve_ms),
            "seed": self.seed,
            "solve_ms": _spread(self.solve_ms),
            "plan_ms": _spread(self.plan_ms),
            "htm_mean": float(np.mean(self.htm)),
            "qtm_mean": float(np.mean(self.qtm)),
            "subgoals_mean": {"openai": openai, "minimal": minimal},
            "flips_mean": {
                "openai": float(np.mean(self.flips_openai)),
                "minimal": float(np.mean(self.flips_minimal)),
            },
            "subgoal_reduction_pct": 100.0 * (openai - minimal) / openai,
        }


def run_solver_benchmark(
    n: int,
    seed: int,
    solver: TwoPhaseSolver,
    config: SchedulerConfig | None = None,
    on_state: Callable[[], None] | None = None,
) -> SolverBenchmark:
    """Solve and plan ``n`` uniformly random states drawn with ``seed``.

    The single-solve time covers one two-phase search plus verification; the planning
    time covers the candidate search and the minimal scheduler. Both start from U up,
    F front. ``on_state`` is called after each state (for progress display).
    """
    config = config or SchedulerConfig()
    rng = np.random.default_rng(seed)
    start = Orientation.identity()
    solver.solve(random_state(np.random.default_rng(seed + 1)))  # load tables, untimed
    result = SolverBenchmark(seed)
    for _ in range(n):
        state = random_state(rng)
        tic = time.perf_counter()
        moves = solver.solve(state)
        result.solve_ms.append(1e3 * (time.perf_counter() - tic))
        baseline = schedule_openai(state, start, moves)
        tic = time.perf_counter()
        best = plan(state, start, solver, config.model_copy(update={"mode": "minimal"}))
        result.plan_ms.append(1e3 * (time.perf_counter() - tic))
        result.htm.append(count_htm(moves))
        result.qtm.append(count_qtm(moves))
        result.subgoals_openai.append(len(baseline.subgoals))
        result.subgoals_minimal.append(len(best.subgoals))
        result.flips_openai.append(baseline.n_flips)
        result.flips_minimal.append(best.n_flips)
        if on_state is not None:
            on_state()
    return result


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """(measure, value) rows of a benchmark summary, for tables."""
    s = summary
    solve, plan_ms = s["solve_ms"], s["plan_ms"]

    def subgoals(mode: str) -> str:
        return f"{s['subgoals_mean'][mode]:.2f} ({s['flips_mean'][mode]:.2f} flips)"

    return [
        ("states", f"{s['n']} (seed {s['seed']})"),
        ("single solve, median / p95", f"{solve['median']:.1f} / {solve['p95']:.1f} ms"),
        (
            "planning with candidate search, median / p95",
            f"{plan_ms['median']:.0f} / {plan_ms['p95']:.0f} ms",
        ),
        ("moves per solution, half-turn metric", f"{s['htm_mean']:.2f}"),
        ("moves per solution, quarter-turn metric", f"{s['qtm_mean']:.2f}"),
        ("subgoals, openai scheduler", subgoals("openai")),
        ("subgoals, minimal scheduler", subgoals("minimal")),
        ("subgoal reduction", f"{s['subgoal_reduction_pct']:.1f}%"),
    ]


def summary_markdown(summary: dict[str, Any], cores: int) -> str:
    """A Markdown table of a benchmark summary."""
    lines = [f"Solver benchmark ({cores} CPU cores)", "", "| measure | value |", "|---|---|"]
    lines += [f"| {name} | {value} |" for name, value in summary_rows(summary)]
    return "\n".join(lines) + "\n"


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": float(np.median(values)), "p95": float(np.percentile(values, 95))}
