"""Move notation: face turns U R F D L B and whole-cube rotations x y z.

A move is a face (or rotation axis) and a number of clockwise quarter turns (1, 2 or 3),
printed as ``R``, ``R2`` and ``R'``. Clockwise is as seen looking at the face from outside;
``x``, ``y`` and ``z`` turn the whole cube as ``R``, ``U`` and ``F`` do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from cubehand.solver.errors import NotationError
from cubehand.solver.facelets import FACES

ROTATIONS: Final[str] = "xyz"
#: Axis (0 = x, 1 = y, 2 = z) of every face and rotation; faces on one axis commute.
AXIS: Final[dict[str, int]] = {
    "R": 0,
    "L": 0,
    "x": 0,
    "F": 1,
    "B": 1,
    "y": 2,
    "U": 2,
    "D": 2,
    "z": 1,
}
_TOKEN: Final = re.compile(r"^([URFDLBxyz])(2'?|'|2)?$")
_SUFFIX: Final[dict[int, str]] = {1: "", 2: "2", 3: "'"}


@dataclass(frozen=True, order=True)
class Move:
    """One face turn or whole-cube rotation of ``turns`` clockwise quarter turns."""

    face: str
    turns: int

    def __post_init__(self) -> None:
        if self.face not in FACES and self.face not in ROTATIONS:
            raise NotationError(f"unknown face {self.face!r}: expected one of U R F D L B x y z")
        if self.turns not in (1, 2, 3):
            raise NotationError(f"a move turns 1, 2 or 3 quarter turns, not {self.turns}")

    @property
    def is_rotation(self) -> bool:
        """Whether this turns the whole cube rather than one face."""
        return self.face in ROTATIONS

    @property
    def quarter_turns(self) -> int:
        """Quarter turns in the quarter-turn metric: 2 for a half turn, else 1."""
        return 2 if self.turns == 2 else 1

    def inverse(self) -> Move:
        """The move that undoes this one."""
        return Move(self.face, 4 - self.turns)

    def __str__(self) -> str:
        return f"{self.face}{_SUFFIX[self.turns]}"


def parse_moves(text: str) -> tuple[Move, ...]:
    """Parse a whitespace-separated move string such as ``"R U2 F' x"``.

    Raises:
        NotationError: naming the first token that is not a move and its position.
    """
    moves = []
    for position, token in enumerate(text.split(), start=1):
        match = _TOKEN.match(token)
        if match is None:
            hint = ""
            if token[:1] in "urfdlb":
                hint = " (wide moves are not supported; face letters are upper case)"
            raise NotationError(
                f"invalid move {token!r} at position {position}: expected a face U R F D L B "
                f"or rotation x y z, optionally followed by ' or 2{hint}"
            )
        face, suffix = match.groups()
        turns = {None: 1, "'": 3, "2": 2, "2'": 2}[suffix]
        moves.append(Move(face, turns))
    return tuple(moves)


def format_moves(moves: Iterable[Move]) -> str:
    """Print moves in standard notation, separated by spaces."""
    return " ".join(str(move) for move in moves)


def invert_moves(moves: Sequence[Move]) -> tuple[Move, ...]:
    """The sequence that undoes ``moves``: each move inverted, in reverse order."""
    return tuple(move.inverse() for move in reversed(moves))


def simplify_moves(moves: Sequence[Move]) -> tuple[Move, ...]:
    """Merge turns of one face and cancel what adds up to nothing.

    Turns of opposite faces commute, so ``R L R'`` simplifies to ``L``. Whole-cube
    rotations merge only with the same rotation next to them. Repeats until nothing changes.
    """
    current = tuple(moves)
    while True:
        simplified = _simplify_once(current)
        if simplified == current:
            return simplified
        current = simplified


def _simplify_once(moves: tuple[Move, ...]) -> tuple[Move, ...]:
    result: list[Move] = []
    index = 0
    while index < len(moves):
        move = moves[index]
        end = index + 1
        if move.is_rotation:
            while end < len(moves) and moves[end].face == move.face:
                end += 1
        else:
            while (
                end < len(moves)
                and not moves[end].is_rotation
                and AXIS[moves[end].face] == AXIS[move.face]
            ):
                end += 1
        totals: dict[str, int] = {}
        for run_move in moves[index:end]:
            totals[run_move.face] = (totals.get(run_move.face, 0) + run_move.turns) % 4
        result.extend(Move(face, turns) for face, turns in totals.items() if turns)
        index = end
    return tuple(result)


def count_htm(moves: Iterable[Move]) -> int:
    """Length in the half-turn metric (face turns only)."""
    return sum(1 for move in moves if not move.is_rotation)


def count_qtm(moves: Iterable[Move]) -> int:
    """Length in the quarter-turn metric (face turns only)."""
    return sum(move.quarter_turns for move in moves if not move.is_rotation)
