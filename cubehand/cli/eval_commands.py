"""``cubehand eval policy``: a trained policy on held-out seeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from cubehand.cli.policy_runs import (
    ROTATE_PROBABILITY,
    Envs,
    GoalTimeout,
    Physics,
    ReleasePose,
    ReleaseSteps,
    evaluate_with_progress,
)
from cubehand.cli.progress import measure_table
from cubehand.evaluation import (
    SHIPPED_WEIGHTS,
    evaluation_env,
    load_policy,
    physics_ranges,
)
from cubehand.goal_starts import GoalStart, goal_start_records, goal_starts_markdown
from cubehand.sim.perturbations import PerturbationName
from cubehand.sim.scene import CubeModel
from cubehand.solver.errors import CubeError

app = typer.Typer(help="Evaluation.", no_args_is_help=True)
_console = Console(soft_wrap=True)


@app.command("policy")
def eval_policy(
    weights: Annotated[
        Path, typer.Option(help="safetensors file or training checkpoint")
    ] = SHIPPED_WEIGHTS,
    cube: Annotated[CubeModel, typer.Option(help="full or locked")] = "full",
    episodes: Annotated[int, typer.Option(help="episodes in all")] = 100,
    seed: Annotated[int, typer.Option(help="evaluation seed (never used in training)")] = 0,
    physics: Physics = "nominal",
    perturb: Annotated[PerturbationName | None, typer.Option(help="a perturbation")] = None,
    envs: Envs = 8,
    goal_timeout: GoalTimeout = 800,
    goals: Annotated[
        Literal["curriculum", "rotate", "flip"],
        typer.Option(help="curriculum (rotate or flip), rotate only or flip only"),
    ] = "curriculum",
    release_steps: ReleaseSteps = None,
    release_pose: ReleasePose = None,
    face_order: Annotated[
        Literal["cube", "hand"] | None,
        typer.Option(
            help="how the policy sees the cube: by its own faces, or relabelled at each goal "
            "to its start orientation (env.face_order; default: as trained)"
        ),
    ] = None,
    face_angle_origin: Annotated[
        Literal["model", "goal"] | None,
        typer.Option(
            help="what the observed face angles are measured from: the model's hinge zero, or "
            "the aligned angles as each goal starts (every goal then reads like a first goal) "
            "(env.face_angle_origin; default: as trained)"
        ),
    ] = None,
    start_offset: Annotated[
        float,
        typer.Option(
            help="m: drop the cube up to this far from its usual place at each "
            "episode start (uniform over a disc in the palm plane; at most 0.04)"
        ),
    ] = 0.0,
    start_yaw: Annotated[
        float,
        typer.Option(help="rad: and turned about the palm normal up to this much (at most pi)"),
    ] = 0.0,
    start_face_turns: Annotated[
        bool,
        typer.Option(
            help="start each face hinge at a random whole number of quarter turns (the cube "
            "unchanged), so face angles seen from the model's zero start where a rotation "
            "leaves them"
        ),
    ] = False,
    start_bank: Annotated[
        Path | None,
        typer.Option(
            help="start every episode from a pose of this bank (`cubehand train poses "
            "--evaluation-seeds`): where another policy's goals left the hand and cube"
        ),
    ] = None,
    flip_radius: Annotated[
        float | None,
        typer.Option(
            help="m: count a flip as met only with the cube this near its place "
            "(--place-origin; default: anywhere on the palm, as every goal)"
        ),
    ] = None,
    flip_square: Annotated[
        float | None,
        typer.Option(
            help="rad: and only with the cube at most this far off square with the hand "
            "(default: any yaw)"
        ),
    ] = None,
    rotate_square: Annotated[
        float | None,
        typer.Option(
            help="rad: count a rotation as met only with the cube at most this far off square "
            "with the hand (default: any yaw)"
        ),
    ] = None,
    rotate_radius: Annotated[
        float | None,
        typer.Option(
            help="m: and only with the cube this near its place (--place-origin; default: "
            "anywhere on the palm)"
        ),
    ] = None,
    rotate_tilt: Annotated[
        float | None,
        typer.Option(
            help="rad: and only with the face up at most this far from the palm normal "
            "(default: the trained orientation tolerance)"
        ),
    ] = None,
    rotate_pose: Annotated[
        float | None,
        typer.Option(
            help="and only with the hand's joint targets at most this far from the start "
            "pose's (mean, each scaled to [-1, 1]) (default: any grip)"
        ),
    ] = None,
    square_first: Annotated[
        float | None,
        typer.Option(
            help="rad (at most pi/4): a rotation that would start with the cube farther than "
            "this off square waits behind a square goal, which the policy meets by turning the "
            "cube square to within this (reported apart; not a success) (default: none)"
        ),
    ] = None,
    square_radius: Annotated[
        float | None,
        typer.Option(
            help="m: and a square goal counts as met only with the cube this near its rest point "
            "on the flat hand, or with --square-from-place its place (default: anywhere on "
            "the palm)"
        ),
    ] = None,
    square_from_place: Annotated[
        bool | None,
        typer.Option(
            "--square-from-place/--square-from-rest",
            help="--square-radius measures from the cube's place (--place-origin), and a "
            "rotation with the cube farther than that off it also waits behind a square goal "
            "(decided after the hand opens), or from the rest point, by yaw alone (default: as "
            "trained)",
        ),
    ] = None,
    place_origin: Annotated[
        Literal["rest", "start"] | None,
        typer.Option(
            help="where --flip-radius measures from: the cube's rest point on the flat hand, "
            "or its start place, where the start pose holds it (default: as trained)"
        ),
    ] = None,
    memory_per_goal: Annotated[
        bool | None,
        typer.Option(
            "--memory-per-goal/--memory-across-goals",
            help="restart the policy's memory at each goal met, or carry it on (default: as "
            "trained)",
        ),
    ] = None,
    temperature: Annotated[
        float,
        typer.Option(
            help="0: greedy actions; above 0: actions drawn from the policy's distributions "
            "with logits divided by this (1: as in training), seeded by --seed"
        ),
    ] = 0.0,
    goal_starts: Annotated[
        Path | None,
        typer.Option(
            help="write a Markdown report here of where each goal started (and ended) and "
            "whether it was met, by what came before it (and the goals themselves as JSON "
            "beside it)"
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Episodes of curriculum goals (50-success cap, per-goal timeout) with a trained policy."""
    if episodes < 1 or envs < 1:
        raise CubeError(f"--episodes and --envs must be at least 1, got {episodes} and {envs}")
    if temperature < 0:
        raise CubeError(f"--temperature must be at least 0, got {temperature}")
    if square_from_place and (square_first is None or square_radius is None):
        raise CubeError("--square-from-place needs --square-first and --square-radius")
    policy, trained = load_policy(weights)
    ranges = physics_ranges(physics)
    # Settings given on the command line replace the trained ones; the rest stay as trained.
    given = {"release_steps": release_steps, "release_pose": release_pose,
             "face_order": face_order, "face_angle_origin": face_angle_origin,
             "memory_per_goal": memory_per_goal,
             "flip_radius": flip_radius, "flip_square": flip_square,
             "rotate_square": rotate_square, "rotate_radius": rotate_radius,
             "rotate_tilt": rotate_tilt, "rotate_pose": rotate_pose,
             "square_first": square_first,
             "square_radius": square_radius, "square_from_place": square_from_place,
             "place_origin": place_origin}  # fmt: skip
    # Where episodes start: always set (evaluations start undisplaced unless asked).
    start_settings = {"start_offset": start_offset, "start_yaw": start_yaw,
                      "start_face_turns": start_face_turns}  # fmt: skip
    bank = {} if start_bank is None else {"restart_bank": start_bank, "bank_restarts": 1.0}
    overrides: dict[str, int | bool | float | str | Path] = {
        **start_settings,
        **bank,
        **{name: value for name, value in given.items() if value is not None},
    }
    config = evaluation_env(
        trained, cube, perturbation=perturb, goal_timeout=goal_timeout,
        rotate_probability=ROTATE_PROBABILITY[goals], **overrides,
    )  # fmt: skip
    if goal_starts is not None and not goal_starts.parent.is_dir():
        raise CubeError(f"--goal-starts: no folder {goal_starts.parent}")
    starts: list[GoalStart] | None = None if goal_starts is None else []
    result = evaluate_with_progress(
        "eval", policy, config, episodes, seed, ranges, n_envs=envs, temperature=temperature,
        goal_starts=starts,
    )  # fmt: skip
    if goal_starts is not None and starts is not None:
        title = f"Goal starts: {weights.name}, {cube} cube, {physics} physics, seed {seed}"
        goal_starts.write_text(goal_starts_markdown(starts, title, greedy=temperature == 0))
        records = goal_start_records(starts)
        goal_starts.with_suffix(".json").write_text(json.dumps(records, indent=1) + "\n")
        result["goal_starts"] = str(goal_starts)
    # Every setting the command line can override is reported as the evaluation ran it.
    result |= {"physics": physics, "perturb": perturb, "goals": goals, "weights": str(weights),
               "start_bank": None if start_bank is None else str(start_bank),
               **start_settings, **{name: getattr(config, name) for name in given}}  # fmt: skip
    if as_json:
        print(json.dumps(result))
        return
    rows = [(k, _cell(v)) for k, v in result.items()]
    _console.print(measure_table(f"policy evaluation ({cube} cube, {physics} physics)", rows))


def _cell(value: object) -> str:
    """A table cell: floats to 3 places; flips by direction as ``met/tried`` each, other
    dictionaries as ``key value`` pairs."""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_pair_or_value(item)}" for key, item in value.items())
    return str(value)


def _pair_or_value(item: object) -> str:
    """``met/tried`` for a pair, one decimal for a float, ``-`` for None."""
    if isinstance(item, tuple | list) and len(item) == 2:
        return f"{item[0]}/{item[1]}"
    if item is None:
        return "-"
    return f"{item:.1f}" if isinstance(item, float) else str(item)
