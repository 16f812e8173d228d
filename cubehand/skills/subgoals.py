"""Subgoals the hand executes: flip a face to the top, or rotate the top face."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from cubehand.solver.moves import Move
from cubehand.solver.orientation import Orientation
from cubehand.solver.state import CubeState

Direction = Literal["cw", "ccw"]


@dataclass(frozen=True)
class Rotate:
    """Turn the face that points up a quarter turn, clockwise as seen from above or not.

    ``face`` is the cube face that turns (the one pointing up); ``state`` and
    ``orientation`` are the expected cube state and orientation after the turn.
    """

    direction: Direction
    face: str
    state: CubeState
    orientation: Orientation

    @property
    def move(self) -> Move:
        """The quarter turn this executes, in the cube's own face names."""
        return Move(self.face, 1 if self.direction == "cw" else 3)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "type": "rotate",
            "direction": self.direction,
            "face": self.face,
            "move": str(self.move),
            "state": self.state.facelets,
        }


@dataclass(frozen=True)
class Flip:
    """Turn the whole cube so that cube face ``target`` points up.

    ``orientation`` is the goal orientation (its quaternion is what the policy is given);
    ``angle_deg`` is the angle of the rotation from the previous orientation.
    """

    target: str
    orientation: Orientation
    angle_deg: float
    state: CubeState

    @property
    def quaternion(self) -> tuple[float, float, float, float]:
        """Goal orientation as a unit quaternion (w, x, y, z), cube frame to world frame."""
        return self.orientation.quaternion()

    def to_json(self) -> dict[str, Any]:
        """JSON-ready description."""
        return {
            "type": "flip",
            "target": self.target,
            "front": self.orientation.front,
            "quaternion": [round(v, 6) for v in self.quaternion],
            "angle_deg": round(self.angle_deg, 3),
            "state": self.state.facelets,
        }


Subgoal = Rotate | Flip
