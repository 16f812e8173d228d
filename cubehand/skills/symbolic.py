"""Symbolic execution of subgoals: what the cube should look like after each one."""

from __future__ import annotations

from collections.abc import Sequence

from cubehand.skills.subgoals import Flip, Subgoal
from cubehand.solver.errors import CubeError
from cubehand.solver.moves import Move
from cubehand.solver.orientation import Orientation
from cubehand.solver.state import CubeState


class SubgoalMismatchError(CubeError):
    """A subgoal's expected state or orientation disagrees with executing it."""


def execute_symbolically(
    state: CubeState, orientation: Orientation, subgoals: Sequence[Subgoal]
) -> tuple[CubeState, Orientation, tuple[Move, ...]]:
    """Execute ``subgoals`` on a symbolic cube and check every expectation they carry.

    A flip may only change the orientation and must bring its target up; a rotate may
    only turn the face that is up. Returns the final state and orientation and the
    quarter turns executed.

    Raises:
        SubgoalMismatchError: naming the first subgoal that does not hold.
    """
    turns: list[Move] = []
    for number, goal in enumerate(subgoals, start=1):
        if isinstance(goal, Flip):
            if goal.orientation.up != goal.target:
                raise SubgoalMismatchError(
                    f"subgoal {number}: flip to {goal.target} leaves {goal.orientation.up} up"
                )
            orientation = goal.orientation
        else:
            if goal.face != orientation.up:
                raise SubgoalMismatchError(
                    f"subgoal {number}: rotates {goal.face} while {orientation.up} is up"
                )
            state = state.apply_move(goal.move)
            turns.append(goal.move)
        if goal.state != state or goal.orientation != orientation:
            raise SubgoalMismatchError(
                f"subgoal {number}: expected cube differs from the executed one"
            )
    return state, orientation, tuple(turns)
