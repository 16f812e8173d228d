"""``cubehand scramble`` and ``cubehand plan``."""

from __future__ import annotations

import json
import secrets
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from cubehand.skills.scheduler import Plan, SchedulerConfig, SchedulerMode, plan
from cubehand.skills.subgoals import Flip
from cubehand.solver.errors import CubeError
from cubehand.solver.moves import count_htm, count_qtm, format_moves, parse_moves
from cubehand.solver.orientation import Orientation
from cubehand.solver.scramble import fair_scramble
from cubehand.solver.state import CubeState, apply_in_world
from cubehand.solver.two_phase import TwoPhaseSolver

_console = Console(soft_wrap=True)


def scramble(
    seed: Annotated[
        int | None, typer.Option(help="seed of the random state; random if omitted")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Print a fair random-state scramble (WCA style) and the state it makes."""
    seed = _seed_or_new(seed)
    result = fair_scramble(np.random.default_rng(seed), TwoPhaseSolver())
    if as_json:
        print(
            json.dumps(
                {
                    "seed": seed,
                    "scramble": format_moves(result.moves),
                    "state": result.state.facelets,
                }
            )
        )
        return
    _console.print(f"[bold]{format_moves(result.moves)}[/]")
    _console.print(f"state {result.state.facelets}  (seed {seed})", highlight=False)


def plan_command(
    scramble: Annotated[
        str | None,
        typer.Option("--scramble", help='moves applied to a solved cube, e.g. "R U2 F\'"'),
    ] = None,
    state: Annotated[
        str | None, typer.Option("--state", help="54 facelets in URFDLB order")
    ] = None,
    random: Annotated[bool, typer.Option("--random", help="plan a fair random state")] = False,
    seed: Annotated[int | None, typer.Option(help="seed for --random")] = None,
    scheduler: Annotated[
        SchedulerMode, typer.Option(help="minimal (default) or openai (the original scheme)")
    ] = "minimal",
    up: Annotated[str, typer.Option(help="cube face pointing up at the start")] = "U",
    front: Annotated[str, typer.Option(help="cube face pointing front at the start")] = "F",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Solve a cube and turn the solution into flip and rotate subgoals."""
    given = [
        name
        for name, value in (("--scramble", scramble), ("--state", state), ("--random", random))
        if value
    ]
    if len(given) != 1:
        raise CubeError("give exactly one of --scramble, --state or --random")
    orientation = Orientation.from_up_front(_face(up, "--up"), _face(front, "--front"))
    header = ""
    if scramble is not None:
        moves = parse_moves(scramble)
        start, orientation = apply_in_world(CubeState.solved(), orientation, moves)
        header = f"scramble {format_moves(moves)}"
    elif state is not None:
        start = CubeState.from_facelets(state.strip())
    else:
        seed = _seed_or_new(seed)
        drawn = fair_scramble(np.random.default_rng(seed), TwoPhaseSolver())
        start = drawn.state
        header = f"random state (seed {seed}), scramble {format_moves(drawn.moves)}"
    result = plan(start, orientation, TwoPhaseSolver(), SchedulerConfig(mode=scheduler))
    if as_json:
        print(json.dumps(result.to_json()))
    else:
        _print_plan(result, header)


def _print_plan(result: Plan, header: str) -> None:
    if header:
        _console.print(header, highlight=False)
    _console.print(
        f"start {result.start_state.facelets}, {result.start_orientation}", highlight=False
    )
    _console.print(
        f"[bold]solution[/] {format_moves(result.moves) or '(already solved)'}  "
        f"[dim]{count_htm(result.moves)} moves, {count_qtm(result.moves)} quarter turns[/]"
    )
    table = Table(title=f"subgoals ({result.mode} scheduler)")
    table.add_column("#", justify="right")
    table.add_column("kind")
    table.add_column("goal")
    table.add_column("cube after", style="dim")
    for number, goal in enumerate(result.subgoals, start=1):
        if isinstance(goal, Flip):
            quat = ", ".join(f"{v:+.3f}" for v in goal.quaternion)
            table.add_row(
                str(number),
                "[cyan]flip[/]",
                f"{goal.target} up ({goal.angle_deg:.0f} deg), quat [{quat}]",
                str(goal.orientation),
            )
        else:
            table.add_row(
                str(number),
                "[magenta]rotate[/]",
                f"{goal.face} {goal.direction} ({goal.move})",
                "solved" if goal.state.is_solved() else goal.state.facelets,
            )
    _console.print(table)
    _console.print(
        f"{len(result.subgoals)} subgoals: {result.n_flips} flips, {result.n_rotations} rotations"
    )


def _face(value: str, option: str) -> str:
    if value not in ("U", "R", "F", "D", "L", "B"):
        raise CubeError(f"{option} must be one of U R F D L B, got {value!r}")
    return value


def _seed_or_new(seed: int | None) -> int:
    return secrets.randbelow(2**31) if seed is None else seed
