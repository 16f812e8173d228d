"""Facelet permutations of every move, derived from the geometry of the stickers.

A permutation is a gather array ``src`` of 54 indices: after the move, facelet ``j`` shows
what facelet ``src[j]`` showed before, so ``new = old[src]``.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from cubehand.solver.facelets import FACE_NORMALS, STICKER_NORMALS, STICKER_POSITIONS
from cubehand.solver.moves import Move

_ROTATION_FACE = {"x": "R", "y": "U", "z": "F"}
_STICKER_LOOKUP = {
    tuple(pos) + tuple(normal): index
    for index, (pos, normal) in enumerate(zip(STICKER_POSITIONS, STICKER_NORMALS, strict=True))
}


def quarter_turn(direction: str) -> np.ndarray:
    """Integer matrix of a clockwise quarter turn seen from outside face ``direction``.

    That is a rotation by -90 degrees (right-hand rule) about the face's normal.
    """
    a = np.array(FACE_NORMALS[direction], dtype=np.int64)
    cross = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]], dtype=np.int64)
    # Rodrigues with angle -90 degrees: R = I + sin(a)[a]x + (1 - cos(a))[a]x^2 = I - [a]x + [a]x^2.
    return np.eye(3, dtype=np.int64) - cross + cross @ cross


def rotation_gather(matrix: np.ndarray, layer: str | None = None) -> np.ndarray:
    """Gather array of turning the stickers by ``matrix``.

    With ``layer`` (a face letter) only the stickers of that face's layer turn; without it
    the whole cube does.
    """
    src = np.arange(54)
    axis = None if layer is None else np.array(FACE_NORMALS[layer])
    for index in range(54):
        position, normal = STICKER_POSITIONS[index], STICKER_NORMALS[index]
        # Stickers of a face's layer lie at doubled coordinate >= 2 along its normal.
        if axis is None or position @ axis >= 2:
            src[_STICKER_LOOKUP[tuple(matrix @ position) + tuple(matrix @ normal)]] = index
    src.setflags(write=False)
    return src


@cache
def _quarter_permutation(face: str) -> np.ndarray:
    if face in _ROTATION_FACE:
        return rotation_gather(quarter_turn(_ROTATION_FACE[face]))
    return rotation_gather(quarter_turn(face), layer=face)


@cache
def move_permutation(move: Move) -> np.ndarray:
    """Gather array of ``move`` (any number of quarter turns)."""
    quarter = _quarter_permutation(move.face)
    src = np.arange(54)
    for _ in range(move.turns):
        src = src[quarter]
    src.setflags(write=False)
    return src


def compose(moves: tuple[Move, ...]) -> np.ndarray:
    """Gather array of a whole move sequence applied in order."""
    src = np.arange(54)
    for move in moves:
        src = src[move_permutation(move)]
    return src
