"""The ``cubehand`` command line: a thin layer over the package."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from cubehand.cli import (
    bench,
    eval_commands,
    plan_commands,
    pose_commands,
    probe_commands,
    sim_commands,
    solve_command,
    train_commands,
    vision_commands,
)
from cubehand.solver.errors import CubeError

app = typer.Typer(
    name="cubehand",
    help="A robot hand that solves a Rubik's cube with learned skills, in simulation.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("solve")(solve_command.solve)
app.command("scramble")(plan_commands.scramble)
app.command("plan")(plan_commands.plan_command)
app.command("render")(sim_commands.render)
app.command("view")(sim_commands.view)
train_commands.app.command("vision")(vision_commands.train_vision)
train_commands.app.command("poses")(pose_commands.record_poses)
train_commands.app.command("pose-parts")(pose_commands.keep_pose_parts)
train_commands.app.command("vision-average")(vision_commands.average_vision)
eval_commands.app.command("vision")(vision_commands.eval_vision)
app.add_typer(train_commands.app, name="train")
app.add_typer(eval_commands.app, name="eval")
app.add_typer(bench.app, name="bench")
app.add_typer(probe_commands.app, name="probe")

_stderr = Console(stderr=True, soft_wrap=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; bad input ends with one line on stderr and exit code 2."""
    try:
        result = app(args=argv, standalone_mode=False)
    except CubeError as error:
        return _fail(str(error))
    except (typer.Abort, KeyboardInterrupt):
        _stderr.print("interrupted", markup=False)
        return 130
    except Exception as error:
        # Usage errors of the command-line parser (typer's vendored click) carry a message
        # and an exit code; anything else is a bug and keeps its traceback.
        if callable(getattr(error, "format_message", None)) and hasattr(error, "exit_code"):
            message = error.format_message()
            return _fail(message) if message else int(error.exit_code)
        raise
    return result if isinstance(result, int) else 0


def _fail(message: str) -> int:
    _stderr.print(f"error: {' '.join(message.split())}", markup=False, highlight=False)
    return 2


if __name__ == "__main__":
    sys.exit(main())
