"""Goals of the subgoal environment, from the training curriculum or from a plan."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from cubehand.skills.subgoals import Flip, Rotate, Subgoal
from cubehand.solver.facelets import OPPOSITE
from cubehand.solver.state import CubeState

#: Every goal kind, in report order. ``square`` turns the whole cube, ``face`` still up,
#: square with the hand before a rotation (``EnvConfig.square_first``); it changes no face
#: and is not counted among an episode's successes.
GOAL_KINDS = ("rotate", "flip", "square")


@dataclass(frozen=True)
class Goal:
    """Flip cube face ``face`` up, rotate the up face ``face`` a quarter turn, or square the
    cube (``face`` up) with the hand.

    ``expected`` is the symbolic state the goal should leave (explicit plans only).
    """

    kind: Literal["flip", "rotate", "square"]
    face: str
    direction: Literal["cw", "ccw"] | None = None
    expected: CubeState | None = None

    @classmethod
    def from_subgoal(cls, subgoal: Subgoal) -> Goal:
        """The goal that executes one scheduler subgoal."""
        if isinstance(subgoal, Flip):
            return cls("flip", subgoal.target, None, subgoal.state)
        assert isinstance(subgoal, Rotate)
        return cls("rotate", subgoal.face, subgoal.direction, subgoal.state)


def curriculum_goal(
    up: str, rng: np.random.Generator, rotate_probability: float = 0.5,
    side_weights: Mapping[str, float] | None = None, ccw_probability: float = 0.5,
) -> Goal:  # fmt: skip
    """The training curriculum: rotate the up face with probability ``rotate_probability``
    (counter-clockwise with probability ``ccw_probability``), otherwise flip to one of the
    four side faces (uniformly, or in proportion to ``side_weights`` by face; uniformly
    again where they give the four none)."""
    if rng.random() < rotate_probability:
        return Goal("rotate", up, "cw" if rng.random() < 1.0 - ccw_probability else "ccw")
    sides = [face for face in "URFDLB" if face not in (up, OPPOSITE[up])]
    weights = None if side_weights is None else np.array([side_weights[f] for f in sides], float)
    if weights is None or weights.sum() == 0.0:  # no weights, or none left on a side face
        return Goal("flip", sides[int(rng.integers(len(sides)))])
    return Goal("flip", sides[int(rng.choice(len(sides), p=weights / weights.sum()))])


def plan_goals(subgoals: Sequence[Subgoal]) -> Iterator[Goal]:
    """Goals for a scheduler plan, in order."""
    for subgoal in subgoals:
        yield Goal.from_subgoal(subgoal)
