"""Where the 26 cubelets and 54 stickers of a cube sit, in the cube's own frame.

Positions are in units of one cubelet pitch (the cube is 3 pitches wide); multiply by the
pitch in metres. Frame and facelet order are those of :mod:`cubehand.solver.facelets`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np

from cubehand.solver.facelets import FACE_NORMALS, FACES, STICKER_NORMALS, STICKER_POSITIONS

#: Sticker colours (RGBA) of each face in the usual scheme: U white, F green, R red.
FACE_RGBA: Final[dict[str, tuple[float, float, float, float]]] = {
    "U": (0.95, 0.95, 0.95, 1.0),
    "R": (0.80, 0.08, 0.08, 1.0),
    "F": (0.05, 0.60, 0.20, 1.0),
    "D": (0.98, 0.85, 0.05, 1.0),
    "L": (1.00, 0.45, 0.05, 1.0),
    "B": (0.05, 0.25, 0.85, 1.0),
}


@dataclass(frozen=True)
class Cubelet:
    """One of the 26 visible pieces: its grid position (-1, 0, 1 per axis) and stickers."""

    name: str
    grid: tuple[int, int, int]
    facelets: tuple[int, ...]

    @property
    def is_centre(self) -> bool:
        """Whether this is one of the six face centres."""
        return len(self.facelets) == 1

    @property
    def centre_face(self) -> str:
        """The face of a centre cubelet."""
        (index,) = self.facelets
        return FACES[index // 9]


@cache
def cubelets() -> tuple[Cubelet, ...]:
    """The 26 cubelets: 6 centres (in URFDLB order), then edges and corners."""
    by_grid: dict[tuple[int, int, int], list[int]] = {}
    for index in range(54):
        # Doubled sticker position minus the normal is twice the cubelet's grid position.
        grid = (STICKER_POSITIONS[index] - STICKER_NORMALS[index]) // 2
        by_grid.setdefault(tuple(int(v) for v in grid), []).append(index)
    pieces = [Cubelet(_name(facelets), grid, tuple(facelets)) for grid, facelets in by_grid.items()]
    pieces.sort(key=lambda c: (len(c.facelets), c.facelets))
    assert len(pieces) == 26
    return tuple(pieces)


def _name(facelets: list[int]) -> str:
    return "".join(sorted({FACES[i // 9] for i in facelets}, key=FACES.index))


def facelet_at(position: np.ndarray, normal: np.ndarray) -> int:
    """Facelet index of a sticker at ``position`` (pitches, cube frame) facing ``normal``.

    Positions and normals are snapped to the grid, so misalignments of up to a quarter
    pitch are tolerated.

    Raises:
        ValueError: if no facelet sits there.
    """
    face = max(FACES, key=lambda f: float(np.dot(normal, FACE_NORMALS[f])))
    key = tuple(int(v) for v in np.rint(2 * np.asarray(position))) + FACE_NORMALS[face]
    if key not in _FACELET_BY_POSE:
        raise ValueError(f"no facelet at {position} facing {normal}")
    return _FACELET_BY_POSE[key]


_FACELET_BY_POSE: Final[dict[tuple[int, ...], int]] = {
    tuple(int(v) for v in STICKER_POSITIONS[i]) + tuple(int(v) for v in STICKER_NORMALS[i]): i
    for i in range(54)
}
