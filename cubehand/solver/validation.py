"""Validation of facelet strings, with one precise message per fault."""

from __future__ import annotations

from collections import Counter

from cubehand.solver.cubie import CubieCube, permutation_parity
from cubehand.solver.errors import InvalidCubeStateError
from cubehand.solver.facelets import (
    CENTRE_INDICES,
    CORNER_NAMES,
    EDGE_NAMES,
    FACES,
    facelet_name,
)


def validate_facelets(facelets: str) -> CubieCube:
    """Check that ``facelets`` describes a reachable cube and return its cubie view.

    Faults are checked in this order, and the first one found is reported: length,
    unknown letter, colour counts, centres, impossible cubies, duplicated cubies,
    twisted corner, flipped edge, permutation parity.

    Raises:
        InvalidCubeStateError: with a message naming the fault.
    """
    if len(facelets) != 54:
        raise InvalidCubeStateError(
            f"a facelet string has 54 letters (9 per face, URFDLB order), got {len(facelets)}"
        )
    for index, letter in enumerate(facelets):
        if letter not in FACES:
            raise InvalidCubeStateError(
                f"unknown letter {letter!r} at facelet {facelet_name(index)} (position {index}): "
                "use U R F D L B, each naming the face whose centre has that colour"
            )
    counts = Counter(facelets)
    for face in FACES:
        if counts[face] != 9:
            raise InvalidCubeStateError(
                f"colour {face} appears {counts[face]} times, every colour must appear 9 times"
            )
    centres = [facelets[i] for i in CENTRE_INDICES]
    for face in FACES:
        holders = [FACES[k] for k, colour in enumerate(centres) if colour == face]
        if len(holders) > 1:
            raise InvalidCubeStateError(
                f"centres not distinct: colour {face} is on the centres of faces "
                f"{' and '.join(holders)}"
            )
    for face, colour in zip(FACES, centres, strict=True):
        if face != colour:
            raise InvalidCubeStateError(
                f"centre of face {face} has colour {colour}: each letter names the face whose "
                "centre has that colour, so centre U must be U, R must be R, and so on"
            )
    try:
        cubie = CubieCube.from_facelets(facelets)
    except ValueError as error:
        raise InvalidCubeStateError(f"impossible cubie: {error}") from None
    cp, co, ep, eo = cubie.cp, cubie.co, cubie.ep, cubie.eo
    _check_each_once(cp, CORNER_NAMES, "corner")
    _check_each_once(ep, EDGE_NAMES, "edge")
    if sum(co) % 3:
        raise InvalidCubeStateError(
            f"twisted corner: corner twists add up to {sum(co) % 3} mod 3 instead of 0; "
            "one corner is turned in place"
        )
    if sum(eo) % 2:
        raise InvalidCubeStateError("flipped edge: one edge is flipped in place")
    if permutation_parity(cp) != permutation_parity(ep):
        raise InvalidCubeStateError("odd permutation parity: two corners or two edges are swapped")
    return cubie


def _check_each_once(permutation: tuple[int, ...], names: tuple[str, ...], kind: str) -> None:
    counts = Counter(permutation)
    for cubie, count in counts.items():
        if count > 1:
            where = [names[pos] for pos, c in enumerate(permutation) if c == cubie]
            missing = [names[c] for c in range(len(names)) if counts[c] == 0]
            raise InvalidCubeStateError(
                f"{kind} {names[cubie]} appears {count} times (at {', '.join(where)}); "
                f"missing {kind}: {', '.join(missing)}"
            )
