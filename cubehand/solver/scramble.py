"""Fair scrambles: uniformly random reachable states, written as WCA random-state scrambles."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cubehand.solver.cubie import CubieCube, permutation_parity
from cubehand.solver.moves import Move, invert_moves
from cubehand.solver.state import CubeState
from cubehand.solver.two_phase import TwoPhaseSolver

_SINGLE_MOVES = tuple(Move(face, turns) for face in "URFDLB" for turns in (1, 2, 3))


@dataclass(frozen=True)
class Scramble:
    """A scramble and the state it produces from the solved cube."""

    moves: tuple[Move, ...]
    state: CubeState


def random_cubie(rng: np.random.Generator) -> CubieCube:
    """A uniformly random reachable cube.

    Corner and edge permutations are uniform with equal parity; orientations are uniform
    with the corner twists summing to 0 mod 3 and the edge flips to 0 mod 2.
    """
    cp = [int(v) for v in rng.permutation(8)]
    ep = [int(v) for v in rng.permutation(12)]
    if permutation_parity(tuple(cp)) != permutation_parity(tuple(ep)):
        # Swapping two edges flips the edge parity; this keeps the draw uniform.
        ep[0], ep[1] = ep[1], ep[0]
    co = [int(v) for v in rng.integers(0, 3, size=7)]
    co.append((-sum(co)) % 3)
    eo = [int(v) for v in rng.integers(0, 2, size=11)]
    eo.append(sum(eo) % 2)
    return CubieCube(tuple(cp), tuple(co), tuple(ep), tuple(eo))


def random_state(rng: np.random.Generator) -> CubeState:
    """A uniformly random reachable state."""
    return CubeState.from_cubie(random_cubie(rng))


def fair_scramble(rng: np.random.Generator, solver: TwoPhaseSolver | None = None) -> Scramble:
    """A random-state scramble as the WCA makes them.

    Draws a uniformly random state, redrawing states that are solved or one move from
    solved (as WCA regulations require), solves it and inverts the solution.
    """
    solver = solver or TwoPhaseSolver()
    while True:
        state = random_state(rng)
        if not _within_one_move(state):
            break
    return Scramble(invert_moves(solver.solve(state)), state)


def _within_one_move(state: CubeState) -> bool:
    return state.is_solved() or any(state.apply_move(m).is_solved() for m in _SINGLE_MOVES)
