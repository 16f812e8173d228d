"""``cubehand solve``: scramble, plan, and let the policy solve the cube in simulation."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated

import mujoco
import numpy as np
import typer
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from cubehand.evaluation import SHIPPED_WEIGHTS, load_policy
from cubehand.perception.estimator import PoseEstimator, RenderedPoseSource
from cubehand.perception.weights import SHIPPED_VISION_WEIGHTS
from cubehand.sim.constants import VIEW_CAMERA
from cubehand.sim.perturbations import PerturbationName
from cubehand.sim.render import make_renderer, render_views
from cubehand.sim.scene import CubeModel
from cubehand.skills.scheduler import SchedulerConfig, plan
from cubehand.solve import SolveProgress, SolveReport, draw_caption, solve_in_simulation
from cubehand.solver.errors import CubeError
from cubehand.solver.moves import format_moves, parse_moves
from cubehand.solver.orientation import Orientation
from cubehand.solver.scramble import fair_scramble
from cubehand.solver.state import CubeState, apply_in_world
from cubehand.solver.two_phase import TwoPhaseSolver

_console = Console(soft_wrap=True)
VIDEO_SIZE = 320
#: Recoveries allowed by --recover unless --max-recoveries says otherwise.
DEFAULT_RECOVERIES = 10
#: One video frame every this many control steps (0.16 s of simulated time).
FRAME_EVERY = 2


def solve(
    scramble: Annotated[str | None, typer.Option(help="scramble in face-turn notation")] = None,
    random: Annotated[bool, typer.Option("--random", help="a fair random-state scramble")] = False,
    seed: Annotated[int | None, typer.Option(help="seed for --random and the run")] = None,
    cube: Annotated[CubeModel, typer.Option(help="full (mechanical) or locked")] = "full",
    weights: Annotated[Path, typer.Option(help="policy weights")] = SHIPPED_WEIGHTS,
    perturb: Annotated[PerturbationName | None, typer.Option(help="a perturbation")] = None,
    video: Annotated[Path | None, typer.Option(help="write an .mp4 or .gif of the solve")] = None,
    vision: Annotated[
        bool, typer.Option("--vision", help="the policy sees the vision model's pose estimates")
    ] = False,
    vision_weights: Annotated[Path, typer.Option(help="pose network weights")] = (
        SHIPPED_VISION_WEIGHTS
    ),
    goal_timeout: Annotated[int, typer.Option(min=1, help="control steps per subgoal")] = 800,
    recover: Annotated[
        bool,
        typer.Option(
            "--recover",
            help="after a drop, timeout or mismatch, put the cube back on the palm as it is, "
            "plan again and go on (counted as recoveries)",
        ),
    ] = False,
    max_recoveries: Annotated[
        int | None, typer.Option(min=1, help="recoveries allowed with --recover (default 10)")
    ] = None,
    square_first: Annotated[
        float | None,
        typer.Option(
            help="rad (at most pi/4): a rotation that would start with the cube farther than "
            "this off square waits behind a square goal (turn the cube square), as in "
            "eval policy (default: none)"
        ),
    ] = None,
    square_radius: Annotated[
        float | None,
        typer.Option(
            help="m: and a square goal counts as met only with the cube this near its rest "
            "point (or its place, for a policy trained with env.square_from_place) "
            "(default: anywhere on the palm)"
        ),
    ] = None,
    square_from_place: Annotated[
        bool | None,
        typer.Option(
            "--square-from-place/--square-from-rest",
            help="--square-radius measures from the cube's place, and a rotation with the "
            "cube farther than that off it also waits behind a square goal, or from the rest "
            "point, by yaw alone, as in eval policy (default: as trained)",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
) -> None:
    """Solve a scrambled cube in simulation with the learned policy. Exit code 0 when
    solved, 1 when not (the reason is printed)."""
    if (scramble is None) == (not random):
        raise CubeError("give exactly one of --scramble or --random")
    if max_recoveries is not None and not recover:
        raise CubeError("--max-recoveries needs --recover")
    if square_from_place and (square_first is None or square_radius is None):
        raise CubeError("--square-from-place needs --square-first and --square-radius")
    if video is not None and video.suffix.lower() not in (".mp4", ".gif"):
        raise CubeError(f"--video must name an .mp4 or .gif file, got {video}")
    loaded = load_policy(weights)
    pose_source = RenderedPoseSource(PoseEstimator(vision_weights)) if vision else None
    seed = secrets.randbelow(2**31) if seed is None else seed
    if scramble is not None:
        moves = parse_moves(scramble)
        start, orientation = apply_in_world(CubeState.solved(), Orientation.identity(), moves)
        if orientation != Orientation.identity():
            raise CubeError("whole-cube rotations (x, y, z) are not supported in a solve scramble")
    else:
        drawn = fair_scramble(np.random.default_rng(seed), TwoPhaseSolver())
        moves, start = drawn.moves, drawn.state
    result = plan(start, Orientation.identity(), TwoPhaseSolver(), SchedulerConfig())
    header = f"scramble {format_moves(moves)}\nsolution {format_moves(result.moves)}"
    frames: list[np.ndarray] = []
    renderer = None

    def on_frame(model: mujoco.MjModel, data: mujoco.MjData, progress: SolveProgress) -> None:
        nonlocal renderer
        if video is None or progress.step % FRAME_EVERY:
            return
        if renderer is None:
            renderer = make_renderer(model, VIDEO_SIZE)
        view = render_views(renderer, data, (VIEW_CAMERA,))[VIEW_CAMERA]
        caption = (f"{progress.successes}/{progress.subgoals_total} done, now "
                   f"{_doing(progress)}  t={progress.sim_seconds:.1f}s")  # fmt: skip
        frames.append(draw_caption(view, caption))

    recoveries = (max_recoveries or DEFAULT_RECOVERIES) if recover else 0
    run = partial(
        solve_in_simulation, loaded, result, cube, seed, perturb, goal_timeout,
        on_frame=on_frame, pose_source=pose_source, recoveries=recoveries,
        square_first=square_first, square_radius=square_radius,
        square_from_place=square_from_place,
    )  # fmt: skip
    report = run() if as_json else _solve_live(run, header)
    if pose_source is not None:
        pose_source.close()
    if renderer is not None:
        renderer.close()
    if video is not None:
        _write_video(video, frames)
    if as_json:
        print(json.dumps(report.to_json()))
    else:
        _console.line()
        _console.print(_summary(report, video))
    raise typer.Exit(0 if report.solved else 1)


def _solve_live(run: Callable[..., SolveReport], header: str) -> SolveReport:
    """``run(on_step=...)`` under a live display of its progress."""
    with Live(_panel(header, None), console=_console, refresh_per_second=4) as live:

        def on_step(progress: SolveProgress) -> None:
            if progress.step % 5 == 0:
                live.update(_panel(header, progress))

        return run(on_step=on_step)


def _doing(progress: SolveProgress) -> str:
    """What the hand does now: the subgoal's kind, or opening between subgoals."""
    return "opening the hand" if progress.opening else (progress.kind or "-")


def _panel(header: str, progress: SolveProgress | None) -> Group:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    if progress is not None:
        done = progress.successes
        rate = progress.wall_seconds / max(done, 1)
        left = rate * (progress.subgoals_total - done) if done else float("nan")
        table.add_row("subgoal", f"{progress.subgoal + 1}/{progress.subgoals_total} "
                                 f"({_doing(progress)})")  # fmt: skip
        table.add_row("successes", str(done))
        table.add_row("drops", str(progress.drops))
        table.add_row("recoveries", str(progress.recoveries))
        table.add_row("simulated", f"{progress.sim_seconds:.1f} s")
        table.add_row("wall", f"{progress.wall_seconds:.1f} s")
        table.add_row("time left", "-" if np.isnan(left) else f"~{left:.0f} s")
    return Group(header, table)


def _summary(report: SolveReport, video: Path | None) -> str:
    verdict = "solved" if report.solved else f"not solved ({report.failure})"
    line = (f"{verdict}: {report.successes}/{report.subgoals_total} subgoals, "
            f"{report.drops} drops, {report.recoveries} recoveries, "
            f"{report.sim_seconds:.1f} s simulated, "
            f"{report.wall_seconds:.1f} s wall")  # fmt: skip
    if report.square_goals:
        line += f", {report.square_goals} square goals"
    return line + (f"; video {video}" if video is not None else "")


def _write_video(path: Path, frames: list[np.ndarray]) -> None:
    import imageio.v3 as iio

    if not frames:
        raise CubeError("no video frames were recorded")
    path.parent.mkdir(parents=True, exist_ok=True)
    fps = round(1 / (0.08 * FRAME_EVERY))
    if path.suffix.lower() == ".gif":
        iio.imwrite(path, np.stack(frames), duration=1000 / fps, loop=0)
    else:
        iio.imwrite(path, np.stack(frames), fps=fps, codec="libx264")
