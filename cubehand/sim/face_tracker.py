"""Keeps the symbolic cube state in step with the physical face turns."""

from __future__ import annotations

import numpy as np

from cubehand.solver.moves import Move
from cubehand.solver.state import CubeState

QUARTER = np.pi / 2


class FaceTracker:
    """Applies a face turn to the symbolic state when a face completes a quarter turn.

    Each face keeps the hinge angle of its last aligned position. When a face comes to
    rest within ``tolerance`` of another quarter turn, the corresponding move (negative
    angle is clockwise seen from outside, so -90 degrees is ``X``) is applied.

    Args:
        state: the symbolic state matching the physical cube now.
        faces: which faces have hinges (``"URFDLB"`` or ``"U"``).
        angles: their hinge angles now.
        tolerance: how close to a quarter turn (rad) counts as aligned.
    """

    def __init__(
        self, state: CubeState, faces: str, angles: np.ndarray, tolerance: float = 0.2
    ) -> None:
        self.state = state
        self.faces = faces
        self.tolerance = tolerance
        self.aligned = np.round(np.asarray(angles, dtype=float) / QUARTER) * QUARTER

    def update(self, angles: np.ndarray) -> list[Move]:
        """Register completed turns given the current hinge angles; returns the moves."""
        moves = []
        offsets = np.asarray(angles, dtype=float) - self.aligned
        for i, face in enumerate(self.faces):
            quarters = int(np.round(offsets[i] / QUARTER))
            if quarters and abs(offsets[i] - quarters * QUARTER) < self.tolerance:
                move = Move(face, (-quarters) % 4) if quarters % 4 else None
                if move is not None:
                    self.state = self.state.apply_move(move)
                    moves.append(move)
                self.aligned[i] += quarters * QUARTER
        return moves

    def misalignment(self, angles: np.ndarray) -> np.ndarray:
        """Each face's angle from its nearest quarter turn (rad, in [-pi/4, pi/4])."""
        angles = np.asarray(angles, dtype=float)
        return angles - np.round(angles / QUARTER) * QUARTER
