"""The 24 orientations of a whole cube: which of its faces points up, front, and so on.

An orientation is the rotation matrix that takes directions in the cube's own frame
(R = +x, B = +y, U = +z) to directions in the world frame, where the same letters name
world directions (U = up = +z, F = front = -y, R = right = +x).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from cubehand.solver.errors import CubeError
from cubehand.solver.facelets import FACE_NORMALS
from cubehand.solver.permutations import quarter_turn, rotation_gather


def _normal(face: str) -> np.ndarray:
    return np.array(FACE_NORMALS[face], dtype=np.int64)


_FACE_BY_NORMAL = {normal: face for face, normal in FACE_NORMALS.items()}


def _face_of(direction: np.ndarray) -> str:
    return _FACE_BY_NORMAL[tuple(int(v) for v in direction)]


@dataclass(frozen=True)
class Orientation:
    """A proper rotation of the cube, stored as an integer matrix (cube frame to world)."""

    rows: tuple[tuple[int, int, int], ...]

    @classmethod
    def from_matrix(cls, matrix: np.ndarray) -> Orientation:
        """Wrap an integer rotation matrix."""
        return cls(tuple(tuple(int(v) for v in row) for row in matrix))

    @classmethod
    def identity(cls) -> Orientation:
        """U up and F front."""
        return cls.from_matrix(np.eye(3, dtype=np.int64))

    @classmethod
    def from_up_front(cls, up: str, front: str) -> Orientation:
        """The orientation with cube face ``up`` pointing up and ``front`` pointing front.

        Raises:
            CubeError: if the two faces are not adjacent.
        """
        for orientation in all_orientations():
            if orientation.face_at("U") == up and orientation.face_at("F") == front:
                return orientation
        raise CubeError(f"faces {up} (up) and {front} (front) are not adjacent")

    @property
    def matrix(self) -> np.ndarray:
        """The 3x3 integer matrix."""
        return np.array(self.rows, dtype=np.int64)

    def world_direction(self, face: str) -> str:
        """The world direction (U R F D L B) in which cube face ``face`` points."""
        return _face_of(self.matrix @ _normal(face))

    def face_at(self, direction: str) -> str:
        """The cube face that points in world direction ``direction``."""
        return _face_of(self.matrix.T @ _normal(direction))

    @property
    def up(self) -> str:
        """The cube face pointing up."""
        return self.face_at("U")

    @property
    def front(self) -> str:
        """The cube face pointing front."""
        return self.face_at("F")

    def rotated(self, world_rotation: np.ndarray) -> Orientation:
        """This orientation after turning the cube by ``world_rotation`` (world frame)."""
        return Orientation.from_matrix(world_rotation @ self.matrix)

    def angle_to(self, other: Orientation) -> float:
        """Angle in degrees of the smallest rotation taking this orientation to ``other``."""
        relative = other.matrix @ self.matrix.T
        cosine = (np.trace(relative) - 1.0) / 2.0
        return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))

    def quaternion(self) -> tuple[float, float, float, float]:
        """Unit quaternion (w, x, y, z) of the rotation, with w >= 0 (first non-zero > 0)."""
        return matrix_to_quaternion(self.matrix.astype(float))

    def sticker_gather(self) -> np.ndarray:
        """Gather array mapping a cube-frame facelet array to the view in the world frame.

        ``world_view = cube_facelets[gather]``: world facelet ``j`` shows cube facelet
        ``gather[j]``.
        """
        return _sticker_gather(self.rows)

    def __str__(self) -> str:
        return f"{self.up} up, {self.front} front"


def matrix_to_quaternion(matrix: np.ndarray) -> tuple[float, float, float, float]:
    """Unit quaternion (w, x, y, z) of a rotation matrix, sign chosen so that w >= 0."""
    m = matrix
    trace = m[0, 0] + m[1, 1] + m[2, 2]
    if trace > 0:
        s = 2.0 * np.sqrt(trace + 1.0)
        q = [0.25 * s, (m[2, 1] - m[1, 2]) / s, (m[0, 2] - m[2, 0]) / s, (m[1, 0] - m[0, 1]) / s]
    elif m[0, 0] > m[1, 1] and m[0, 0] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[0, 0] - m[1, 1] - m[2, 2])
        q = [(m[2, 1] - m[1, 2]) / s, 0.25 * s, (m[0, 1] + m[1, 0]) / s, (m[0, 2] + m[2, 0]) / s]
    elif m[1, 1] > m[2, 2]:
        s = 2.0 * np.sqrt(1.0 + m[1, 1] - m[0, 0] - m[2, 2])
        q = [(m[0, 2] - m[2, 0]) / s, (m[0, 1] + m[1, 0]) / s, 0.25 * s, (m[1, 2] + m[2, 1]) / s]
    else:
        s = 2.0 * np.sqrt(1.0 + m[2, 2] - m[0, 0] - m[1, 1])
        q = [(m[1, 0] - m[0, 1]) / s, (m[0, 2] + m[2, 0]) / s, (m[1, 2] + m[2, 1]) / s, 0.25 * s]
    quat = np.array(q) / np.linalg.norm(q)
    first_nonzero = next(v for v in quat if abs(v) > 1e-9)
    if first_nonzero < 0:
        quat = -quat
    quat[np.abs(quat) < 1e-12] = 0.0
    return tuple(float(v) for v in quat)  # type: ignore[return-value]


@cache
def _sticker_gather(rows: tuple[tuple[int, int, int], ...]) -> np.ndarray:
    return rotation_gather(np.array(rows, dtype=np.int64))


@cache
def all_orientations() -> tuple[Orientation, ...]:
    """The 24 proper rotations of the cube, identity first."""
    generators = [quarter_turn(face) for face in "RUF"]
    found = [Orientation.identity()]
    frontier = list(found)
    while frontier:
        next_frontier = []
        for orientation in frontier:
            for generator in generators:
                candidate = orientation.rotated(generator)
                if candidate not in found:
                    found.append(candidate)
                    next_frontier.append(candidate)
        frontier = next_frontier
    assert len(found) == 24
    return tuple(found)
