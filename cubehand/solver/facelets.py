"""Facelet layout in Kociemba's URFDLB order, with the geometry of every sticker.

A facelet string has 54 letters: nine per face in the order U, R, F, D, L, B, each face
read row by row as drawn in the standard net::

          U
       L  F  R  B
          D

Each letter names the face whose centre carries that colour. The cube frame used
throughout cubehand: R = +x, B = +y, U = +z (so F = -y, L = -x, D = -z).
"""

from __future__ import annotations

from typing import Final

import numpy as np

FACES: Final[str] = "URFDLB"
FACE_INDEX: Final[dict[str, int]] = {face: i for i, face in enumerate(FACES)}
OPPOSITE: Final[dict[str, str]] = {"U": "D", "D": "U", "R": "L", "L": "R", "F": "B", "B": "F"}

#: Outward normal of each face in the cube frame.
FACE_NORMALS: Final[dict[str, tuple[int, int, int]]] = {
    "U": (0, 0, 1),
    "R": (1, 0, 0),
    "F": (0, -1, 0),
    "D": (0, 0, -1),
    "L": (-1, 0, 0),
    "B": (0, 1, 0),
}

# For each face, the in-plane "right" and "down" directions of its drawing in the net.
_FACE_RIGHT_DOWN: Final[dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]]] = {
    "U": ((1, 0, 0), (0, -1, 0)),
    "R": ((0, 1, 0), (0, 0, -1)),
    "F": ((1, 0, 0), (0, 0, -1)),
    "D": ((1, 0, 0), (0, 1, 0)),
    "L": ((0, -1, 0), (0, 0, -1)),
    "B": ((-1, 0, 0), (0, 0, -1)),
}

CENTRE_INDICES: Final[tuple[int, ...]] = tuple(9 * i + 4 for i in range(6))
SOLVED_FACELETS: Final[str] = "".join(face * 9 for face in FACES)


def facelet_index(face: str, number: int) -> int:
    """Index in the facelet string of facelet ``number`` (1..9) of ``face``."""
    return 9 * FACE_INDEX[face] + number - 1


def facelet_name(index: int) -> str:
    """Name such as ``U9`` of the facelet at ``index``."""
    return f"{FACES[index // 9]}{index % 9 + 1}"


def _sticker_geometry() -> tuple[np.ndarray, np.ndarray]:
    """Position (in units of one cubelet, doubled to stay integer) and normal of each facelet."""
    positions = np.zeros((54, 3), dtype=np.int64)
    normals = np.zeros((54, 3), dtype=np.int64)
    for face in FACES:
        normal = np.array(FACE_NORMALS[face])
        right, down = (np.array(v) for v in _FACE_RIGHT_DOWN[face])
        for row in range(3):
            for col in range(3):
                index = facelet_index(face, 3 * row + col + 1)
                # Cubelet centre at (col - 1) * right + (row - 1) * down + normal; the sticker
                # sits half a cubelet further out. Doubling keeps everything integer.
                positions[index] = 2 * ((col - 1) * right + (row - 1) * down + normal) + normal
                normals[index] = normal
    return positions, normals


#: Doubled sticker positions and outward normals, shape (54, 3) each.
STICKER_POSITIONS, STICKER_NORMALS = _sticker_geometry()

# Corner and edge facelets, in Kociemba's cubie order and orientation convention.
CORNER_NAMES: Final[tuple[str, ...]] = ("URF", "UFL", "ULB", "UBR", "DFR", "DLF", "DBL", "DRB")
EDGE_NAMES: Final[tuple[str, ...]] = (
    "UR", "UF", "UL", "UB", "DR", "DF", "DL", "DB", "FR", "FL", "BL", "BR",
)  # fmt: skip


def _indices(*names: str) -> tuple[int, ...]:
    return tuple(facelet_index(name[0], int(name[1])) for name in names)


CORNER_FACELETS: Final[tuple[tuple[int, ...], ...]] = (
    _indices("U9", "R1", "F3"),
    _indices("U7", "F1", "L3"),
    _indices("U1", "L1", "B3"),
    _indices("U3", "B1", "R3"),
    _indices("D3", "F9", "R7"),
    _indices("D1", "L9", "F7"),
    _indices("D7", "B9", "L7"),
    _indices("D9", "R9", "B7"),
)
EDGE_FACELETS: Final[tuple[tuple[int, ...], ...]] = (
    _indices("U6", "R2"),
    _indices("U8", "F2"),
    _indices("U4", "L2"),
    _indices("U2", "B2"),
    _indices("D6", "R8"),
    _indices("D2", "F8"),
    _indices("D4", "L8"),
    _indices("D8", "B8"),
    _indices("F6", "R4"),
    _indices("F4", "L6"),
    _indices("B6", "L4"),
    _indices("B4", "R6"),
)
#: Colours of each corner and edge cubie, in the order of its facelets when solved.
CORNER_COLOURS: Final[tuple[str, ...]] = CORNER_NAMES
EDGE_COLOURS: Final[tuple[str, ...]] = EDGE_NAMES
