"""The cube state: 54 facelets in the cube's own frame, with a cubie view."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cubehand.solver.cubie import CubieCube
from cubehand.solver.errors import CubeError
from cubehand.solver.facelets import SOLVED_FACELETS
from cubehand.solver.moves import Move
from cubehand.solver.orientation import Orientation
from cubehand.solver.permutations import compose, quarter_turn
from cubehand.solver.validation import validate_facelets


@dataclass(frozen=True)
class CubeState:
    """Colours of the 54 facelets (Kociemba's URFDLB order) in the cube's own frame.

    Centres stay in place: face turns change the state, whole-cube rotations change the
    cube's :class:`Orientation` instead (see :func:`apply_in_world`).
    """

    facelets: str

    @classmethod
    def solved(cls) -> CubeState:
        """The solved cube."""
        return cls(SOLVED_FACELETS)

    @classmethod
    def from_facelets(cls, facelets: str) -> CubeState:
        """A validated state.

        Raises:
            InvalidCubeStateError: naming what is wrong with ``facelets``.
        """
        validate_facelets(facelets)
        return cls(facelets)

    @classmethod
    def from_cubie(cls, cubie: CubieCube) -> CubeState:
        """The state with the given corner and edge permutations and orientations."""
        return cls(cubie.to_facelets())

    def to_cubie(self) -> CubieCube:
        """Corner and edge permutations and orientations of this state."""
        return CubieCube.from_facelets(self.facelets)

    def apply(self, moves: Sequence[Move]) -> CubeState:
        """The state after the face turns ``moves``.

        Raises:
            CubeError: if ``moves`` contains a whole-cube rotation.
        """
        for move in moves:
            if move.is_rotation:
                raise CubeError(
                    f"{move} turns the whole cube, which changes its orientation, not its state"
                )
        letters = np.frombuffer(self.facelets.encode("ascii"), dtype=np.uint8)
        return CubeState(letters[compose(tuple(moves))].tobytes().decode("ascii"))

    def apply_move(self, move: Move) -> CubeState:
        """The state after one face turn."""
        return self.apply((move,))

    def is_solved(self) -> bool:
        """Whether every face shows one colour."""
        return self.facelets == SOLVED_FACELETS

    def world_view(self, orientation: Orientation) -> str:
        """Facelet string as seen in the world frame when the cube has ``orientation``.

        Position ``U1`` of the result is the facelet in the top-left corner of the face that
        points up, and so on; the letters are still the cube's own colours.
        """
        letters = np.frombuffer(self.facelets.encode("ascii"), dtype=np.uint8)
        return letters[orientation.sticker_gather()].tobytes().decode("ascii")

    def __str__(self) -> str:
        return self.facelets


def apply_in_world(
    state: CubeState, orientation: Orientation, moves: Sequence[Move]
) -> tuple[CubeState, Orientation]:
    """Execute ``moves`` as a person holding the cube would.

    Face letters name world directions (``R`` turns whichever face points right); ``x``,
    ``y`` and ``z`` turn the whole cube. Returns the new state and orientation.
    """
    for move in moves:
        if move.is_rotation:
            rotation_face = {"x": "R", "y": "U", "z": "F"}[move.face]
            rotation = move_rotation_matrix(rotation_face, move.turns)
            orientation = orientation.rotated(rotation)
        else:
            face = orientation.face_at(move.face)
            state = state.apply_move(Move(face, move.turns))
    return state, orientation


def move_rotation_matrix(direction: str, turns: int) -> np.ndarray:
    """World matrix of ``turns`` clockwise quarter turns seen from ``direction``."""
    matrix = np.eye(3, dtype=np.int64)
    for _ in range(turns):
        matrix = quarter_turn(direction) @ matrix
    return matrix
