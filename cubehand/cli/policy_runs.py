"""What the commands that run a policy's episodes (``eval policy``, ``train poses``) share:
options, and the run itself behind a progress bar."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

import typer

from cubehand.cli.progress import counting_progress
from cubehand.evaluation import evaluate_policy
from cubehand.sim.env import EnvConfig
from cubehand.skills.policy import Policy

#: The goal stream of each ``--goals`` choice: the chance that a goal (once the cube is
#: aligned) is a rotation rather than a flip. The curriculum's is the reference facts' 0.5.
ROTATE_PROBABILITY = {"curriculum": 0.5, "rotate": 1.0, "flip": 0.0}

Physics = Annotated[
    str, typer.Option(help="nominal, heldout (+-25%), wide (+-50%), or a YAML file")
]
Envs = Annotated[int, typer.Option(help="environments run side by side")]
GoalTimeout = Annotated[int, typer.Option(help="control steps allowed per goal")]
ReleaseSteps = Annotated[
    int | None,
    typer.Option(help="control steps the hand opens between goals (default: as trained)"),
]
ReleasePose = Annotated[
    Literal["flat", "start"] | None,
    typer.Option(
        help="where the hand goes while it opens between goals: flat, or start (fingers "
        "curled round the cube; default: as trained)"
    ),
]


def evaluate_with_progress(
    label: str,
    policy: Policy,
    config: EnvConfig,
    episodes: int,
    seed: int,
    ranges: Mapping[str, tuple[float, float]],
    **options: Any,
) -> dict[str, Any]:
    """:func:`~cubehand.evaluation.evaluate_policy` with a bar counting finished episodes."""
    progress = counting_progress("episodes")
    with progress:
        task = progress.add_task(label, total=episodes)
        return evaluate_policy(
            policy, config, episodes, seed, ranges,
            on_episode=lambda: progress.advance(task), **options,
        )  # fmt: skip
