"""Cubie view of a cube: permutation and orientation of the 8 corners and 12 edges.

Conventions follow Kociemba: ``cp[i]`` is the corner that sits in position ``i`` and
``co[i]`` its clockwise twist (0..2) measured from the U/D facelet; ``ep`` and ``eo``
likewise for edges (flip 0 or 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from cubehand.solver.facelets import (
    CENTRE_INDICES,
    CORNER_COLOURS,
    CORNER_FACELETS,
    EDGE_COLOURS,
    EDGE_FACELETS,
    FACES,
)


@dataclass(frozen=True)
class CubieCube:
    """Corner and edge permutations and orientations; centres are fixed (U R F D L B)."""

    cp: tuple[int, ...]
    co: tuple[int, ...]
    ep: tuple[int, ...]
    eo: tuple[int, ...]

    @classmethod
    def solved(cls) -> CubieCube:
        """The solved cube."""
        return cls(tuple(range(8)), (0,) * 8, tuple(range(12)), (0,) * 12)

    def to_facelets(self) -> str:
        """The 54-letter facelet string of this cube."""
        letters = [""] * 54
        for index, face in zip(CENTRE_INDICES, FACES, strict=True):
            letters[index] = face
        for position, (corner, twist) in enumerate(zip(self.cp, self.co, strict=True)):
            for k in range(3):
                letters[CORNER_FACELETS[position][(k + twist) % 3]] = CORNER_COLOURS[corner][k]
        for position, (edge, flip) in enumerate(zip(self.ep, self.eo, strict=True)):
            for k in range(2):
                letters[EDGE_FACELETS[position][(k + flip) % 2]] = EDGE_COLOURS[edge][k]
        return "".join(letters)

    @classmethod
    def from_facelets(cls, facelets: str) -> CubieCube:
        """Read the cubies of a facelet string whose corners and edges all exist.

        Raises:
            ValueError: if a corner or edge position holds colours of no real cubie.
        """
        cp, co, ep, eo = [], [], [], []
        for position in range(8):
            corner, twist = identify_corner(facelets, position)
            cp.append(corner)
            co.append(twist)
        for position in range(12):
            edge, flip = identify_edge(facelets, position)
            ep.append(edge)
            eo.append(flip)
        return cls(tuple(cp), tuple(co), tuple(ep), tuple(eo))

    def multiply(self, other: CubieCube) -> CubieCube:
        """The cube reached by applying ``other``'s move to this cube (Kociemba's product)."""
        cp = tuple(self.cp[other.cp[i]] for i in range(8))
        co = tuple((self.co[other.cp[i]] + other.co[i]) % 3 for i in range(8))
        ep = tuple(self.ep[other.ep[i]] for i in range(12))
        eo = tuple((self.eo[other.ep[i]] + other.eo[i]) % 2 for i in range(12))
        return CubieCube(cp, co, ep, eo)


def identify_corner(facelets: str, position: int) -> tuple[int, int]:
    """Which corner cubie sits in corner ``position`` and its twist.

    Raises:
        ValueError: if the three colours there belong to no corner cubie.
    """
    colours = [facelets[i] for i in CORNER_FACELETS[position]]
    ud = [k for k, colour in enumerate(colours) if colour in "UD"]
    if len(ud) == 1:
        twist = ud[0]
        read = "".join(colours[(twist + k) % 3] for k in range(3))
        if read in CORNER_COLOURS:
            return CORNER_COLOURS.index(read), twist
    raise ValueError(
        f"corner position {_corner_label(position)} shows colours {''.join(colours)}, "
        "which no corner cubie has"
    )


def identify_edge(facelets: str, position: int) -> tuple[int, int]:
    """Which edge cubie sits in edge ``position`` and its flip.

    Raises:
        ValueError: if the two colours there belong to no edge cubie.
    """
    colours = "".join(facelets[i] for i in EDGE_FACELETS[position])
    if colours in EDGE_COLOURS:
        return EDGE_COLOURS.index(colours), 0
    if colours[::-1] in EDGE_COLOURS:
        return EDGE_COLOURS.index(colours[::-1]), 1
    raise ValueError(
        f"edge position {EDGE_COLOURS[position]} shows colours {colours}, which no edge cubie has"
    )


def _corner_label(position: int) -> str:
    return CORNER_COLOURS[position]


def permutation_parity(permutation: tuple[int, ...]) -> int:
    """0 for an even permutation, 1 for an odd one."""
    seen = [False] * len(permutation)
    parity = 0
    for start in range(len(permutation)):
        length = 0
        index = start
        while not seen[index]:
            seen[index] = True
            index = permutation[index]
            length += 1
        if length:
            parity ^= (length - 1) & 1
    return parity


def inverse_cubie(cube: CubieCube) -> CubieCube:
    """The cube whose moves undo ``cube``'s: ``cube.multiply(inverse_cubie(cube))`` is solved."""
    cp = [0] * 8
    co = [0] * 8
    for position, corner in enumerate(cube.cp):
        cp[corner] = position
        co[corner] = (-cube.co[position]) % 3
    ep = [0] * 12
    eo = [0] * 12
    for position, edge in enumerate(cube.ep):
        ep[edge] = position
        eo[edge] = cube.eo[position]
    return CubieCube(tuple(cp), tuple(co), tuple(ep), tuple(eo))
