"""``cubehand train policy|clone|plot``: PPO runs from config files, cloning, curves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, TextColumn, TimeRemainingColumn

from cubehand.cli.progress import counting_progress, progress_display
from cubehand.evaluation import load_policy, load_weights_into, save_policy
from cubehand.plots import plot_training_log
from cubehand.sim.batched_env import BatchedCubeEnv
from cubehand.sim.env import observation_sizes
from cubehand.skills.cloning import CloneConfig, clone
from cubehand.skills.policy import Policy
from cubehand.solver.errors import CubeError
from cubehand.training import TrainingRun, load_train_config, sharpen_checkpoint
from cubehand.training_summary import markdown_table, read_log, summarize

app = typer.Typer(help="Training.", no_args_is_help=True)
_console = Console(soft_wrap=True)


@app.command("policy")
def train_policy(
    config: Annotated[Path, typer.Option(help="YAML training config (see configs/)")],
    resume: Annotated[Path | None, typer.Option(help="checkpoint to continue from")] = None,
    runs: Annotated[Path, typer.Option(help="folder for run outputs")] = Path("runs"),
    steps: Annotated[int | None, typer.Option(help="override total_steps")] = None,
    init_policy: Annotated[
        Path | None,
        typer.Option(
            help="start the policy from these weights (a cloned student, say); "
            "value network and counters start fresh"
        ),
    ] = None,
) -> None:
    """Train the LSTM policy with PPO (and ADR), logging to runs/NAME/log.jsonl."""
    if resume is not None and init_policy is not None:
        raise CubeError("give --resume or --init-policy, not both")
    train_config = load_train_config(config)
    if steps is not None:
        train_config = train_config.model_copy(update={"total_steps": steps})
    run = TrainingRun(train_config, runs / train_config.name)  # writes nothing until run()
    if resume is not None:
        run.resume(resume)
    if init_policy is not None:
        load_weights_into(init_policy, run.trainer.policy)
    progress = progress_display(
        train_config.name, TextColumn("[bold]{task.description}"), BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} steps"),
        TextColumn("{task.fields[sps]:>5.0f} steps/s"),
        TextColumn("successes {task.fields[successes]}"),
        TextColumn("ADR {task.fields[entropy]}"), TimeRemainingColumn(),
        console=_console,
    )  # fmt: skip
    with progress:
        task = progress.add_task(
            train_config.name, total=train_config.total_steps, completed=run.trainer.steps,
            sps=0.0, successes="-", entropy="-",
        )  # fmt: skip

        def show(record: dict) -> None:
            successes = record.get("mean_successes")
            entropy = record.get("adr_entropy")
            progress.update(
                task, completed=record["steps"], sps=record["steps_per_second"],
                successes="-" if successes is None else f"{successes:.2f}",
                entropy="-" if entropy is None else f"{entropy:.2f}",
            )  # fmt: skip

        run.run(show)
    curves = plot_training_log(run.out_dir / "log.jsonl", run.out_dir / "curves.png")
    out = run.out_dir
    _console.print(f"checkpoint {out / 'checkpoint.pt'}, log {out / 'log.jsonl'}, curves {curves}")


@app.command("plot")
def plot(
    run: Annotated[Path, typer.Option(help="a run folder with log.jsonl")],
    out: Annotated[Path | None, typer.Option(help="PNG to write (default RUN/curves.png)")] = None,
) -> None:
    """Draw a run's training curves as a PNG."""
    log = run / "log.jsonl"
    if not log.is_file():
        raise CubeError(f"{log} does not exist")
    _console.print(f"wrote {plot_training_log(log, out or run / 'curves.png')}")


@app.command("summary")
def summary(
    log: Annotated[Path, typer.Argument(help="a policy run's log.jsonl")],
    window: Annotated[int, typer.Option(min=1, help="environment steps per window")] = 1_000_000,
    since: Annotated[int, typer.Option(min=0, help="skip records up to this step")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="print the windows as JSON")] = False,
    out: Annotated[Path | None, typer.Option(help="also write the table to this .md")] = None,
) -> None:
    """Pool a run's log over windows of environment steps: goals per episode (fresh and
    restarted), rotate and flip rates (by direction), where met goals left the cube, drops,
    entropy and the restart reach, as in training (sampled actions)."""
    windows = summarize(read_log(log), window, since)
    table = markdown_table(windows)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table)
    if as_json:
        print(json.dumps(windows))
    else:
        _console.print(table, markup=False, highlight=False)


@app.command("clone")
def train_clone(
    config: Annotated[Path, typer.Option(help="YAML config: the student's network and env")],
    teacher: Annotated[
        Path | None, typer.Option(help="trained policy: safetensors or checkpoint")
    ] = None,
    rotate_teacher: Annotated[
        Path | None, typer.Option(help="teacher for rotate goals (with --flip-teacher)")
    ] = None,
    flip_teacher: Annotated[
        Path | None, typer.Option(help="teacher for flip goals (with --rotate-teacher)")
    ] = None,
    iterations: Annotated[int, typer.Option(min=1, help="collect-and-fit iterations")] = 200,
    student_weights: Annotated[
        Path | None,
        typer.Option(
            "--student",
            help="start the student from these weights (to go on "
            "with an earlier cloning run's policy.safetensors)",
        ),
    ] = None,
    learning_rate: Annotated[
        float,
        typer.Option(
            help="Adam's learning rate for the student (lower keeps more of a "
            "student that starts from a trained policy)"
        ),
    ] = CloneConfig().learning_rate,
    runs: Annotated[Path, typer.Option(help="folder for run outputs")] = Path("runs"),
) -> None:
    """Clone a trained policy, or one per goal kind, into the network of CONFIG (DAgger: the
    student acts, the teacher of the current goal labels); writes runs/NAME/policy.safetensors
    (to start PPO from with --init-policy) and clone_log.jsonl."""
    if not learning_rate > 0:
        raise CubeError(f"--learning-rate must be above 0, got {learning_rate}")
    train_config = load_train_config(config)
    teachers: Policy | dict[str, Policy]
    if teacher is not None and rotate_teacher is None and flip_teacher is None:
        teachers = load_policy(teacher).policy
    elif teacher is None and rotate_teacher is not None and flip_teacher is not None:
        teachers = {
            "rotate": load_policy(rotate_teacher).policy,
            "flip": load_policy(flip_teacher).policy,
        }
    else:
        raise CubeError("give --teacher, or both --rotate-teacher and --flip-teacher")
    student = Policy(observation_sizes(), train_config.ppo.network)
    if student_weights is not None:
        load_weights_into(student_weights, student)
    out_dir = runs / train_config.name
    out_dir.mkdir(parents=True, exist_ok=True)
    log = out_dir / "clone_log.jsonl"
    if student_weights is None:
        log.write_text("")
    done = len(log.read_text().splitlines()) if log.is_file() else 0
    env = BatchedCubeEnv(train_config.n_envs, train_config.env)
    try:
        with counting_progress("cloning iterations") as progress:
            task = progress.add_task("", total=iterations)

            def show(index: int, record: dict) -> None:
                progress.update(task, completed=index + 1)
                with log.open("a") as file:
                    file.write(json.dumps({"iteration": done + index + 1, **record}) + "\n")
                if (index + 1) % 10 == 0:
                    kinds = "".join(
                        f", {key[3:]} {value:.3f}" for key, value in record.items()
                        if key.startswith("kl_") and value is not None
                    )  # fmt: skip
                    line = f"KL {record['kl']:.3f}{kinds}, agreement {record['agreement']:.3f}"
                    progress.console.print(f"iteration {index + 1}: {line}")

            settings = CloneConfig(learning_rate=learning_rate)
            clone(teachers, student, env, settings, iterations, train_config.seed, show)
    finally:
        env.close()
    out = out_dir / "policy.safetensors"
    save_policy(student, train_config.env, out)
    _console.print(f"wrote {out}")


@app.command("export")
def export(
    checkpoint: Annotated[Path, typer.Option(help="training checkpoint (runs/NAME/checkpoint.pt)")],
    out: Annotated[Path, typer.Option(help="safetensors file to write")],
) -> None:
    """Write a checkpoint's policy (with its environment settings) as safetensors, the form
    the CLI loads by default from cubehand/skills/weights/policy.safetensors."""
    if out.suffix != ".safetensors":
        raise CubeError(f"--out must name a .safetensors file, got {out}")
    loaded = load_policy(checkpoint)
    save_policy(loaded.policy, loaded.env, out)
    _console.print(f"wrote {out}")


@app.command("sharpen")
def sharpen(
    checkpoint: Annotated[Path, typer.Option(help="training checkpoint (runs/NAME/checkpoint.pt)")],
    temperature: Annotated[
        float, typer.Option(help="divide the policy's action logits by this (below 1: sharper)")
    ],
    out: Annotated[Path, typer.Option(help="checkpoint to write (.pt), to resume from")],
) -> None:
    """Write a checkpoint whose policy draws actions as the given one does at --temperature
    (greedy actions unchanged); resume training from it to train on sharper drawn actions."""
    if not temperature > 0:
        raise CubeError(f"--temperature must be above 0, got {temperature}")
    if out.suffix != ".pt":
        raise CubeError(f"--out must name a .pt checkpoint, got {out}")
    if out.resolve() == checkpoint.resolve():
        raise CubeError("--out must differ from --checkpoint (keep the original)")
    if not out.parent.is_dir():
        raise CubeError(f"--out: folder {out.parent} does not exist")
    sharpen_checkpoint(checkpoint, out, temperature)
    _console.print(f"wrote {out} (policy logits divided by {temperature:g})")
