"""``cubehand train vision`` and ``cubehand eval vision``: the pose network."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Annotated

import numpy as np
import torch
import typer
from rich.console import Console

from cubehand.cli.progress import counting_progress, measure_table
from cubehand.perception.adr_training import VisionAdrTraining
from cubehand.perception.averaging import write_average
from cubehand.perception.dataset import DatasetConfig, generate, missing_shards, read_shards
from cubehand.perception.examples import example_grid
from cubehand.perception.metrics import pose_errors, summarize
from cubehand.perception.model import decode
from cubehand.perception.training import (
    VisionTrainConfig,
    VisionTraining,
    load_vision_config,
    training_data_dir,
)
from cubehand.perception.weights import SHIPPED_VISION_WEIGHTS, load_vision, vision_info
from cubehand.plots import plot_training_log
from cubehand.solver.errors import CubeError

_console = Console(soft_wrap=True)
METRICS = ("orientation_deg", "position_mm", "face_angle_deg")
#: Part of the eval cache's folder names: raise it when a code change alters the renders,
#: so that kept renders of the old code are not reused.
RENDER_VERSION = 4  # 2: turning layers tinted (tenth session); 3: no carry-over between
#: episodes; 4: hand and floor patterns, gloss of the hand and cube (fourteenth)


def train_vision(
    config: Annotated[Path, typer.Option(help="YAML vision config (see configs/)")],
    runs: Annotated[Path, typer.Option(help="folder for run outputs")] = Path("runs"),
    epochs: Annotated[int | None, typer.Option(help="override epochs")] = None,
    workers: Annotated[int, typer.Option(min=1, help="processes rendering shards")] = 1,
    data_only: Annotated[
        bool, typer.Option("--data-only", help="render the missing shards, then stop")
    ] = False,
) -> None:
    """Render the training shards that are missing, then train (resuming if a checkpoint
    exists in runs/NAME)."""
    train_config = load_vision_config(config)
    if epochs is not None:
        train_config = train_config.model_copy(update={"epochs": epochs})
    out_dir = runs / train_config.name
    if train_config.adr is not None:
        if data_only or workers > 1:
            raise CubeError(
                "--data-only and --workers do not apply to a visual ADR run (adr in the "
                "config): it renders one shard at a time from the current ranges, in-process"
            )
        _train_vision_adr(train_config, out_dir)
        return
    data_dir = training_data_dir(out_dir)
    with counting_progress("rendering shards") as progress:
        task = progress.add_task("", total=train_config.data.train_shards)
        missing = missing_shards(train_config.data, data_dir, "train")
        progress.update(task, completed=train_config.data.train_shards - len(missing))
        generate(train_config.data, data_dir, "train", lambda _i: progress.advance(task), workers)
    if data_only:
        _console.print(f"training shards in {data_dir / 'train'}")
        return
    run = VisionTraining(train_config, out_dir)
    with counting_progress("training batches") as progress:
        task = progress.add_task("", total=None)

        def on_batch(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        def on_epoch(record: dict) -> None:
            progress.console.print(
                f"epoch {record['epoch']}: {record['seconds']:.0f} s, monitor orientation "
                f"{record['monitor_orientation_deg']:.2f} deg, position "
                f"{record['monitor_position_mm']:.2f} mm, top angle "
                f"{record['monitor_face_angle_deg']:.2f} deg"
            )

        run.run(on_batch, on_epoch)
    _console.print(f"weights {run.out_dir / 'vision.safetensors'}, log {run.out_dir / 'log.jsonl'}")


def _train_vision_adr(train_config: VisionTrainConfig, out_dir: Path) -> None:
    """Fine-tune under visual ADR, a shard at a time, with a progress bar over shards."""
    run = VisionAdrTraining(train_config, out_dir)
    with counting_progress("ADR shards (render, measure, train)") as progress:
        task = progress.add_task("", total=train_config.epochs, completed=run.epoch)

        def on_shard(record: dict) -> None:
            progress.update(task, completed=record["shard"])
            progress.console.print(
                f"shard {record['shard']}: {record['seconds']:.0f} s, targets met "
                f"{record['met_share']:.2f}, ADR entropy {record['adr_entropy']:.2f}, mean "
                f"width {record['adr_mean_width']:.3f}, bounds moved {record['adr_moved']}"
            )

        run.run_adr(on_shard)
    curves = plot_training_log(run.out_dir / "log.jsonl", run.out_dir / "curves.png")
    _console.print(
        f"weights {run.out_dir / 'vision.safetensors'}, log {run.out_dir / 'log.jsonl'}, "
        f"curves {curves}"
    )


def average_vision(
    weights: Annotated[list[Path], typer.Argument(help="two or more vision safetensors files")],
    out: Annotated[Path, typer.Option(help="where to write the averaged weights")],
    share: Annotated[
        list[float] | None,
        typer.Option(help="each file's share of the mean, in order (default: equal)"),
    ] = None,
) -> None:
    """Average the weights of pose networks fine-tuned from one another (a model soup)."""
    write_average(weights, out, share or None)
    _console.print(f"wrote {out} (the mean of {len(weights)} networks)")


def eval_vision(
    weights: Annotated[Path, typer.Option(help="vision safetensors file")] = (
        SHIPPED_VISION_WEIGHTS
    ),
    samples: Annotated[int, typer.Option(min=1, help="held-out renders to judge on")] = 1000,
    seed: Annotated[int, typer.Option(min=0, help="evaluation seed (never used in training)")] = 0,
    visual_scale: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="fraction of each visual range")
    ] = 1.0,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON only")] = False,
    examples: Annotated[
        Path | None, typer.Option(help="also write a PNG of held-out renders with poses drawn")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="processes rendering shards")] = 1,
    cache: Annotated[
        Path, typer.Option(help="folder where held-out renders are written and kept for reuse")
    ] = Path("runs/vision-eval"),
) -> None:
    """Errors of the pose network on held-out randomized renders (mean, median, p90).

    The renders are drawn in shards from evaluation seeds and kept under ``--cache`` (one
    folder per data setting), so a second evaluation of the same setting renders nothing."""
    if examples is not None and examples.suffix.lower() != ".png":
        raise CubeError(f"--examples must name a .png file, got {examples}")
    network = load_vision(weights)
    # Held-out renders drawn as the training data were (poses per episode, hand motion),
    # from evaluation seeds; which layers stand turned is a training mix, not the test's.
    trained = vision_info(weights).get("data", {})
    trained.pop("top_layer_share", None)
    config = DatasetConfig.model_validate(
        {**trained, "resolution": network.config.resolution, "visual_scale": visual_scale,
         "seed": seed}
    )  # fmt: skip
    count = -(-samples // config.shard_size)
    config = config.model_copy(update={"eval_shards": count})
    cache_dir = cache / _cache_key(config)
    with counting_progress("held-out shards") as progress:
        task = progress.add_task("", total=count)
        progress.update(task, completed=count - len(missing_shards(config, cache_dir, "eval")))
        paths = generate(config, cache_dir, "eval", lambda _i: progress.advance(task), workers)
    held_out = read_shards(paths)
    errors: dict[str, list[np.ndarray]] = {name: [] for name in METRICS}
    inference = 0.0
    for i in range(samples):
        started = time.perf_counter()
        with torch.no_grad():
            estimate = decode(network(torch.from_numpy(held_out.images[i : i + 1])))
        inference += time.perf_counter() - started
        part = slice(i, i + 1)
        found = pose_errors(estimate, held_out.position[part], held_out.rotation[part],
                            held_out.top_angle[part])  # fmt: skip
        for name in METRICS:
            errors[name].append(found[name])
    summary = summarize({name: np.concatenate(values) for name, values in errors.items()})
    result = {
        "samples": samples,
        **{name: round(summary[name]["mean"], 3) for name in METRICS},
        "ms_per_sample": round(1000 * inference / samples, 3),
    }
    if examples is not None:
        example_grid(network, config, rows=6, out=examples)
    if as_json:
        print(json.dumps(result))
        return
    rows = [("samples", str(samples))]
    for name in METRICS:
        stats = summary[name]
        rows.append((name, f"mean {stats['mean']:.2f}  median {stats['median']:.2f}  "
                           f"p90 {stats['p90']:.2f}"))  # fmt: skip
    rows.append(("ms_per_sample", f"{result['ms_per_sample']:.2f}"))
    _console.print(measure_table(f"vision evaluation ({weights.name})", rows))
    if examples is not None:
        _console.print(f"wrote {examples}")


def _cache_key(config: DatasetConfig) -> str:
    """A folder name that changes with every setting that changes the renders."""
    settings = config.model_dump(exclude={"train_shards", "eval_shards"})
    settings["render_version"] = RENDER_VERSION
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
    return f"{config.resolution}px-seed{config.seed}-{digest[:12]}"
