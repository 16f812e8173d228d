"""The goal scheduler: face turns in, flip and rotate subgoals out.

The hand can only turn the face that points up. To execute a face turn it first flips the
cube so that face is up, then rotates the top face. Two modes:

- ``openai``: the original scheme, kept as the baseline. The solver's first solution in
  order, half turns split in two, and one fixed goal orientation per face.
- ``minimal`` (default): among candidate solutions (see
  :meth:`~cubehand.solver.two_phase.TwoPhaseSolver.candidates`) and the orders in which
  turns of opposite faces can be done, the plan of least cost, where a rotate and a
  90 degree flip cost 1 and a 180 degree flip costs ``flip180_cost``. Each flip is the
  smallest rotation that brings its face up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from itertools import permutations
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from cubehand.skills.subgoals import Flip, Rotate, Subgoal
from cubehand.solver.facelets import OPPOSITE
from cubehand.solver.moves import AXIS, Move, simplify_moves
from cubehand.solver.orientation import Orientation
from cubehand.solver.permutations import quarter_turn
from cubehand.solver.state import CubeState
from cubehand.solver.two_phase import TwoPhaseSolver

SchedulerMode = Literal["openai", "minimal"]


class SchedulerConfig(BaseModel):
    """How face turns become subgoals."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: SchedulerMode = Field("minimal", description="openai (baseline) or minimal")
    flip180_cost: float = Field(
        1.5,
        gt=1.0,
        le=2.0,
        description="cost of a 180 degree flip; rotates and 90 degree flips cost 1",
    )
    orientations: int = Field(
        24, ge=1, le=24, description="whole-cube orientations solved for candidates (minimal mode)"
    )
    inverse: bool = Field(True, description="also solve the inverse state for candidates")


@dataclass(frozen=True)
class Plan:
    """Subgoals that take ``start_state`` held in ``start_orientation`` to solved."""

    mode: SchedulerMode
    start_state: CubeState
    start_orientation: Orientation
    moves: tuple[Move, ...]
    subgoals: tuple[Subgoal, ...]
    cost: float

    @property
    def n_flips(self) -> int:
        """Number of flip subgoals."""
        return sum(isinstance(goal, Flip) for goal in self.subgoals)

    @property
    def n_rotations(self) -> int:
        """Number of rotate subgoals."""
        return sum(isinstance(goal, Rotate) for goal in self.subgoals)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "moves": [str(move) for move in self.moves],
            "subgoals": [goal.to_json() for goal in self.subgoals],
            "n_flips": self.n_flips,
            "n_rotations": self.n_rotations,
            "scheduler": self.mode,
            "cost": self.cost,
            "start": {
                "state": self.start_state.facelets,
                "up": self.start_orientation.up,
                "front": self.start_orientation.front,
            },
        }


def plan(
    state: CubeState,
    orientation: Orientation,
    solver: TwoPhaseSolver,
    config: SchedulerConfig | None = None,
) -> Plan:
    """Solve ``state`` and schedule the solution as subgoals.

    Raises:
        InvalidCubeStateError: if the state is not reachable.
    """
    config = config or SchedulerConfig()
    if config.mode == "openai":
        return schedule_openai(state, orientation, solver.solve(state))
    candidates = solver.candidates(state, orientations=config.orientations, inverse=config.inverse)
    orders = [
        _cheapest_order(simplify_moves(c.moves), orientation.up, config.flip180_cost)
        for c in candidates
    ]
    best, _ = min(orders, key=lambda item: (item[1], _subgoal_count(item[0]), len(item[0])))
    return schedule_minimal(state, orientation, best, config.flip180_cost)


def _subgoal_count(moves: tuple[Move, ...]) -> int:
    faces = [move.face for move in moves]
    return sum(move.quarter_turns for move in moves) + sum(
        1 for before, after in zip(faces, faces[1:], strict=False) if before != after
    )


def schedule_openai(state: CubeState, orientation: Orientation, moves: tuple[Move, ...]) -> Plan:
    """The original scheme: moves in order, a fixed goal orientation per face."""
    builder = _PlanBuilder(state, orientation)
    for move in moves:
        if orientation.up != move.face:
            orientation = openai_flip_orientation(move.face)
            builder.flip(orientation)
        builder.rotate(move)
    return builder.build("openai", moves, cost=float(len(builder.subgoals)))


def schedule_minimal(
    state: CubeState,
    orientation: Orientation,
    moves: tuple[Move, ...],
    flip180_cost: float = 1.5,
) -> Plan:
    """The cheapest order of ``moves`` (opposite faces commute) with smallest flips."""
    moves = simplify_moves(moves)
    ordered, cost = _cheapest_order(moves, orientation.up, flip180_cost)
    builder = _PlanBuilder(state, orientation)
    for move in ordered:
        if orientation.up != move.face:
            orientation = smallest_flip(orientation, move.face)
            builder.flip(orientation)
        builder.rotate(move)
    return builder.build("minimal", ordered, cost)


def smallest_flip(orientation: Orientation, target: str) -> Orientation:
    """The orientation reached by the smallest rotation that brings ``target`` up.

    A side face is a 90 degree turn about a horizontal axis. The bottom face is a
    180 degree turn, about the world's left-right axis by convention.
    """
    direction = orientation.world_direction(target)
    if direction == "U":
        return orientation
    if direction == "D":
        half = quarter_turn("R")
        return orientation.rotated(half @ half)
    for axis in "RFLB":
        rotated = orientation.rotated(quarter_turn(axis))
        if rotated.world_direction(target) == "U":
            return rotated
    raise AssertionError("a side face always comes up with one quarter turn")


def flip_cost(up: str, target: str, flip180_cost: float) -> float:
    """Cost of bringing ``target`` up when ``up`` is up: 0, 1, or the 180 degree cost."""
    if up == target:
        return 0.0
    return flip180_cost if OPPOSITE[up] == target else 1.0


def _cheapest_order(
    moves: tuple[Move, ...], up: str, flip180_cost: float
) -> tuple[tuple[Move, ...], float]:
    """Dynamic programme over runs of same-axis moves and the face that is up."""
    runs: list[tuple[Move, ...]] = []
    for move in moves:
        if runs and AXIS[runs[-1][0].face] == AXIS[move.face]:
            runs[-1] = runs[-1] + (move,)
        else:
            runs.append((move,))
    # best[face up] = (cost so far, moves so far)
    best: dict[str, tuple[float, tuple[Move, ...]]] = {up: (0.0, ())}
    for run in runs:
        step: dict[str, tuple[float, tuple[Move, ...]]] = {}
        for current_up, (cost, done) in best.items():
            for order in permutations(run):
                total, face = cost, current_up
                for move in order:
                    total += flip_cost(face, move.face, flip180_cost) + move.quarter_turns
                    face = move.face
                if face not in step or total < step[face][0]:
                    step[face] = (total, done + order)
        best = step
    cost, ordered = min(best.values(), key=lambda item: item[0])
    return ordered, cost


class _PlanBuilder:
    """Accumulates subgoals, tracking the expected state and orientation."""

    def __init__(self, state: CubeState, orientation: Orientation) -> None:
        self.start_state, self.start_orientation = state, orientation
        self.state, self.orientation = state, orientation
        self.subgoals: list[Subgoal] = []

    def flip(self, goal: Orientation) -> None:
        angle = self.orientation.angle_to(goal)
        self.orientation = goal
        self.subgoals.append(Flip(goal.up, goal, angle, self.state))

    def rotate(self, move: Move) -> None:
        assert move.face == self.orientation.up, "rotate only turns the face that is up"
        quarter_turns = {1: ("cw",), 2: ("cw", "cw"), 3: ("ccw",)}[move.turns]
        for direction in quarter_turns:
            self.state = self.state.apply_move(Move(move.face, 1 if direction == "cw" else 3))
            self.subgoals.append(Rotate(direction, move.face, self.state, self.orientation))

    def build(self, mode: SchedulerMode, moves: tuple[Move, ...], cost: float) -> Plan:
        return Plan(
            mode, self.start_state, self.start_orientation, moves, tuple(self.subgoals), cost
        )


@cache
def openai_flip_orientation(face: str) -> Orientation:
    """The fixed goal orientation of the ``openai`` scheme for bringing ``face`` up."""
    return smallest_flip(Orientation.identity(), face)
