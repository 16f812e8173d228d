"""Typed adapter over the ``kociemba`` package (Kociemba's two-phase algorithm).

The package reports every fault as "Probably cubestring is invalid" and returns a
13-move sequence for a solved cube; this adapter validates first (so errors name the
fault), returns no moves for a solved cube, and checks every solution with cubehand's own
move engine before returning it.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import kociemba

from cubehand.solver.cubie import inverse_cubie
from cubehand.solver.errors import SolverError
from cubehand.solver.facelets import SOLVED_FACELETS
from cubehand.solver.moves import Move, format_moves, invert_moves, parse_moves
from cubehand.solver.orientation import Orientation, all_orientations
from cubehand.solver.state import CubeState
from cubehand.solver.validation import validate_facelets


@dataclass(frozen=True)
class Candidate:
    """One verified solution and how it was found."""

    moves: tuple[Move, ...]
    source: str


class TwoPhaseSolver:
    """Solves cube states with Kociemba's two-phase algorithm.

    Args:
        max_depth: longest solution (half-turn metric) the search may return.
        workers: threads for :meth:`candidates`; defaults to the number of CPU cores.
    """

    def __init__(self, max_depth: int = 24, workers: int | None = None) -> None:
        if not 1 <= max_depth <= 30:
            raise ValueError(f"max_depth must lie in 1..30, got {max_depth}")
        self.max_depth = max_depth
        self.workers = workers or os.cpu_count() or 1

    def solve(self, state: CubeState) -> tuple[Move, ...]:
        """A verified solution of ``state`` (empty when it is solved).

        Raises:
            InvalidCubeStateError: if the state is not reachable.
            SolverError: if the search fails or its answer does not solve the cube.
        """
        validate_facelets(state.facelets)
        moves = self._raw_solve(state.facelets)
        return _verified(state, moves, "two-phase")

    def candidates(
        self, state: CubeState, *, orientations: int = 24, inverse: bool = True
    ) -> list[Candidate]:
        """Distinct verified solutions of ``state`` found by solving equivalent problems.

        Solves the state as seen in each of the first ``orientations`` whole-cube
        orientations (mapping the moves back to the cube's own faces) and, with
        ``inverse``, the inverse state (inverting its solution). The plain solution of
        :meth:`solve` comes first. The searches run on ``workers`` threads (the native
        solver releases the GIL).
        """
        validate_facelets(state.facelets)
        if state.is_solved():
            return [Candidate((), "solved")]
        problems = [(state, False)]
        if inverse:
            problems.append((CubeState.from_cubie(inverse_cubie(state.to_cubie())), True))
        jobs = [
            (index, orientation, problem, inverted)
            for index, orientation in enumerate(all_orientations()[:orientations])
            for problem, inverted in problems
        ]
        # The first search loads the native solver's tables; later ones may run in parallel.
        results = [self._solve_in_orientation(jobs[0][2], jobs[0][1])]
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            results += pool.map(lambda job: self._solve_in_orientation(job[2], job[1]), jobs[1:])
        found: dict[tuple[Move, ...], Candidate] = {}
        for (index, _, _, inverted), moves in zip(jobs, results, strict=True):
            if inverted:
                moves = invert_moves(moves)
            source = f"orientation {index}" + (", inverse" if inverted else "")
            if moves not in found:
                found[moves] = Candidate(_verified(state, moves, source), source)
        return list(found.values())

    def _solve_in_orientation(self, state: CubeState, orientation: Orientation) -> tuple[Move, ...]:
        view = state.world_view(orientation)
        # Rename colours by where their centres now point, so the centres read U R F D L B.
        relabel = {face: orientation.world_direction(face) for face in "URFDLB"}
        world_moves = self._raw_solve("".join(relabel[c] for c in view))
        return tuple(Move(orientation.face_at(m.face), m.turns) for m in world_moves)

    def _raw_solve(self, facelets: str) -> tuple[Move, ...]:
        if facelets == SOLVED_FACELETS:
            return ()
        try:
            text = kociemba.solve(facelets, max_depth=self.max_depth)
        except ValueError as error:
            raise SolverError(
                f"two-phase search found no solution within {self.max_depth} moves ({error})"
            ) from None
        return parse_moves(text)


def _verified(state: CubeState, moves: tuple[Move, ...], source: str) -> tuple[Move, ...]:
    if not state.apply(moves).is_solved():
        raise SolverError(f"solution from {source} does not solve the cube: {format_moves(moves)}")
    return moves
