"""``cubehand probe memory``: does the policy's LSTM state know the cube's size?"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cubehand.cli.progress import counting_progress, measure_table
from cubehand.evaluation import SHIPPED_WEIGHTS, load_policy
from cubehand.probes import collect_memories, probe_accuracy
from cubehand.solver.errors import CubeError

app = typer.Typer(help="Probes of what the policy has learned.", no_args_is_help=True)
_console = Console(soft_wrap=True)


@app.command("memory")
def probe_memory(
    episodes: Annotated[int, typer.Option(help="episodes (70% fit the probe, 30% judge)")] = 200,
    steps: Annotated[int, typer.Option(min=1, help="control steps before the state is read")] = 100,
    weights: Annotated[Path, typer.Option(help="policy weights")] = SHIPPED_WEIGHTS,
    seed: Annotated[int, typer.Option(min=0, help="evaluation seed")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Fit a linear classifier on the LSTM state that tells a larger-than-mean cube from a
    smaller one (sizes within +-10%), and report its held-out accuracy."""
    if episodes < 4:
        raise CubeError(f"--episodes must be at least 4, got {episodes}")
    loaded = load_policy(weights)
    with counting_progress("episodes") as progress:
        task = progress.add_task("", total=episodes)
        features, labels = collect_memories(
            loaded, episodes, steps, seed, on_episode=lambda: progress.advance(task)
        )
    result = {**probe_accuracy(features, labels), "steps": steps, "seed": seed}
    if as_json:
        print(json.dumps(result))
        return
    rows = [(key, f"{value:.3f}" if isinstance(value, float) else str(value))
            for key, value in result.items()]  # fmt: skip
    _console.print(measure_table("memory probe: cube larger than the mean?", rows))
