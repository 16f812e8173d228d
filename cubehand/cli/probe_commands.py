"""``cubehand probe memory``: does the policy's LSTM state know the cube's size?
``cubehand probe update-noise``: how much of a training update is signal?"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cubehand.cli.progress import counting_progress, measure_table
from cubehand.evaluation import SHIPPED_WEIGHTS, load_policy
from cubehand.probes import collect_memories, probe_accuracy
from cubehand.skills.update_noise import measure_update_noise
from cubehand.solver.errors import CubeError
from cubehand.training import TrainingRun, load_train_config

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


@app.command("update-noise")
def probe_update_noise(
    config: Annotated[Path, typer.Option(help="YAML training config (see configs/)")],
    checkpoint: Annotated[
        Path | None, typer.Option(help="training checkpoint (default: the untrained networks)")
    ] = None,
    rollouts: Annotated[int, typer.Option(min=2, help="independent rollouts compared")] = 4,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Compare the policy gradients of independent training rollouts (their cosines and the
    gradient noise scale, in samples) and report each action head's entropy."""
    train_config = load_train_config(config)
    with tempfile.TemporaryDirectory() as scratch:
        run = TrainingRun(train_config, Path(scratch))
        try:
            if checkpoint is not None:
                run.resume(checkpoint)
            with counting_progress("rollouts") as progress:
                task = progress.add_task("", total=rollouts)
                noise = measure_update_noise(
                    run.trainer, rollouts, on_rollout=lambda: progress.advance(task)
                )
        finally:
            run.env.close()
    result = noise.as_dict() | {"steps": run.trainer.steps, "config": str(config)}
    if as_json:
        print(json.dumps(result))
        return
    scale = result["noise_scale"]
    rows = [
        ("samples per rollout", str(result["batch"])),
        ("mean cosine between rollouts' gradients", f"{result['mean_cosine']:.3f}"),
        ("gradient noise scale (samples)", "-" if scale is None else f"{scale:,.0f}"),
        ("policy entropy (nats; uniform 47.96)", f"{result['entropy']:.2f}"),
        ("per-head entropy, least / most (uniform 2.398)",
         f"{min(noise.head_entropy):.3f} / {max(noise.head_entropy):.3f}"),
    ]  # fmt: skip
    _console.print(measure_table("update noise", rows))
