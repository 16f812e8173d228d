"""``cubehand bench``: measured figures of each layer."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cubehand.benchmarks.mechanism import push_top_corner
from cubehand.benchmarks.perturb import conditions, run_benchmark, write_report
from cubehand.benchmarks.sim import batched_env_speed, single_env_speed
from cubehand.benchmarks.solver import run_solver_benchmark, summary_markdown, summary_rows
from cubehand.cli.progress import counting_progress, measure_table
from cubehand.evaluation import SHIPPED_WEIGHTS, load_policy
from cubehand.perception.estimator import PoseEstimator, RenderedPoseSource
from cubehand.perception.weights import SHIPPED_VISION_WEIGHTS
from cubehand.solver.errors import CubeError
from cubehand.solver.two_phase import TwoPhaseSolver

app = typer.Typer(help="Benchmarks.", no_args_is_help=True)
_console = Console(soft_wrap=True)


@app.command("solver")
def bench_solver(
    n: Annotated[int, typer.Option(help="number of random states")] = 1000,
    seed: Annotated[int, typer.Option(help="seed of the random states")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    out: Annotated[Path | None, typer.Option(help="also write a Markdown table here")] = None,
) -> None:
    """Solve time, solution length and subgoals per solve for both schedulers."""
    if n < 1:
        raise CubeError(f"--n must be at least 1, got {n}")
    cores = os.cpu_count() or 1
    progress = counting_progress("solving")
    with progress:
        task = progress.add_task("solve", total=n)
        result = run_solver_benchmark(
            n, seed, TwoPhaseSolver(), on_state=lambda: progress.advance(task)
        )
    summary = result.summary() | {"cores": cores}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(summary_markdown(summary, cores))
    if as_json:
        print(json.dumps(summary))
        return
    table = measure_table(f"solver benchmark ({cores} CPU cores)", summary_rows(summary))
    _console.print(table)


@app.command("sim")
def bench_sim(
    steps: Annotated[int, typer.Option(help="control steps timed per cube model")] = 500,
    envs: Annotated[int, typer.Option(help="environments in the batched measurement")] = 16,
    seed: Annotated[int, typer.Option(help="seed of the random actions")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Control steps per second of each cube model (0.08 s per step, random actions).

    "single": the bare physics of one scene on one thread. "batched": whole environment
    steps (physics, tracking, rewards, observations) of ``--envs`` environments, with the
    physics spread over all cores.
    """
    if steps < 1 or envs < 1:
        raise CubeError(f"--steps and --envs must be at least 1, got {steps} and {envs}")
    cores = os.cpu_count() or 1
    result: dict[str, object] = {"cores": cores}
    for cube in ("locked", "full"):
        batched_steps = max(1, steps // envs)
        result[cube] = {
            "single": single_env_speed(cube, steps, seed),
            "batched": batched_env_speed(cube, envs, batched_steps, seed),
        }
    if as_json:
        print(json.dumps(result))
        return
    table = Table(title=f"simulation speed, control steps/s ({cores} CPU cores)")
    for column in ("cube", "physics, 1 env, 1 thread", f"env steps, {envs} envs, {cores} cores"):
        table.add_column(column, justify="right")
    for cube in ("locked", "full"):
        table.add_row(cube, f"{result[cube]['single']:.0f}", f"{result[cube]['batched']:.0f}")
    _console.print(table)


@app.command("mechanism")
def bench_mechanism(
    force: Annotated[
        list[float] | None, typer.Option(help="push (N); repeat for several", min=0.0)
    ] = None,
    seconds: Annotated[float, typer.Option(min=0.08, help="longest push (s)")] = 2.0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Finger-like pushes on a top corner of each cube model (core held): time to turn.

    A sideways force on the centre of the top layer's URF corner piece, fading as the
    layer speeds up; see :mod:`cubehand.benchmarks.mechanism`.
    """
    results = [
        push_top_corner(cube, value, seconds=seconds)
        for value in (force or [1.6, 2.5, 4.0])
        for cube in ("locked", "full")
    ]
    if as_json:
        print(json.dumps([r.as_dict() for r in results]))
        return
    table = Table(title=f"push on the top layer's URF corner, core held (up to {seconds:g} s)")
    for column in ("cube", "push (N)", "quarter turn (s)", "top angle", "other faces", "blew up"):
        table.add_column(column, justify="right")
    for r in results:
        turned = "-" if r.quarter_turn_s is None else f"{r.quarter_turn_s:.2f}"
        table.add_row(r.cube, f"{r.force:g}", turned, f"{r.top_angle:.2f}",
                      f"{r.other_faces:.3f}", "yes" if r.blew_up else "no")  # fmt: skip
    _console.print(table)


@app.command("perturb")
def bench_perturb(
    episodes: Annotated[int, typer.Option(min=1, help="solves per condition")] = 20,
    seed: Annotated[int, typer.Option(min=0, help="seed of the scrambles and episodes")] = 0,
    weights: Annotated[Path, typer.Option(help="policy weights")] = SHIPPED_WEIGHTS,
    goal_timeout: Annotated[int, typer.Option(min=1, help="control steps per subgoal")] = 800,
    out: Annotated[Path, typer.Option(help="folder for perturb.md and perturb.png")] = Path(
        "docs/bench-perturb"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    vision: Annotated[
        bool,
        typer.Option(
            "--vision",
            help="add a condition: nominal, the policy seeing the vision "
            "model's pose estimates from the rendered cameras",
        ),
    ] = False,  # fmt: skip
    vision_weights: Annotated[Path, typer.Option(help="pose network weights")] = (
        SHIPPED_VISION_WEIGHTS
    ),
) -> None:
    """Full solves of fair random-state scrambles on the mechanical cube, nominal and under
    each perturbation (tied fingers, rubber glove, plush cube, pen poke), and with
    ``--vision`` from the vision model's estimates."""
    loaded = load_policy(weights)
    pose_source = RenderedPoseSource(PoseEstimator(vision_weights)) if vision else None
    try:
        with counting_progress("solves") as progress:
            task = progress.add_task("", total=episodes * len(conditions(vision)))
            results = run_benchmark(
                loaded, episodes, seed, goal_timeout, lambda _c, _r: progress.advance(task),
                pose_source,
            )  # fmt: skip
    finally:
        if pose_source is not None:
            pose_source.close()
    flags = " --vision" if vision else ""
    header = (f"`cubehand bench perturb --episodes {episodes} --seed {seed}{flags}`, weights "
              f"`{weights.name}`, goal timeout {goal_timeout} control steps.")  # fmt: skip
    written = write_report(results, out, header)
    if as_json:
        print(json.dumps(results))
        return
    table = Table(title=f"robustness: {episodes} fair scrambles per condition (full cube)")
    for column in ("condition", "mean successes", "median", "half", "full", "drops"):
        table.add_column(column, justify="right")
    for condition, row in results.items():
        table.add_row(
            condition,
            f"{row['mean_successes']:.2f}",
            f"{row['median_successes']:.1f}",
            f"{row['half_solves']:.0%}",
            f"{row['full_solves']:.0%}",
            str(row["drops"]),
        )
    _console.print(table)
    _console.print("wrote " + ", ".join(str(p) for p in written))
