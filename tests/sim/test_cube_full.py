"""The mechanical cube behaves like a real one (the default switched-layer model; some
checks also on the ball-jointed ones)."""

import numpy as np
import pytest

from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_reader import read_facelets
from cubehand.sim.face_tracker import FaceTracker
from cubehand.solver.facelets import FACES
from cubehand.solver.moves import parse_moves
from cubehand.solver.state import CubeState

from .cube_rig import CubeRig


def test_light_torque_turns_a_face_and_a_lighter_one_does_not():
    rig = CubeRig()
    rig.drive({"U": 0.02}, 2.0)
    assert abs(rig.angle("U")) < 0.1
    rig = CubeRig()
    rig.drive({"U": 0.05}, 2.0)
    assert rig.angle("U") > 1.5
    others = rig.angles()[1:]
    assert np.all(np.abs(others) < 0.05)


def test_small_misalignment_snaps_back():
    rig = CubeRig()
    rig.drive({"U": -0.04}, 0.4)
    assert rig.angle("U") < -0.05
    rig.drive({}, 1.0)
    assert abs(rig.angle("U")) < 0.02


@pytest.mark.parametrize("torque", [0.05, 0.1, 0.2])
def test_face_is_locked_while_a_perpendicular_face_is_misaligned(torque):
    rig = CubeRig()
    rig.drive({}, 3.0, hold={"U": np.pi / 4})
    assert abs(rig.angle("U") - np.pi / 4) < 0.1
    rig.drive({"R": torque}, 1.0, hold={"U": np.pi / 4})
    # Finger-sized torques neither turn R nor pull the cube apart.
    assert abs(rig.angle("R")) < 0.35
    rig.drive({}, 3.0, hold={"U": 0.0})
    rig.drive({}, 1.0)
    assert read_facelets(rig.model, rig.data) == CubeState.solved().facelets


@pytest.mark.parametrize("face", FACES)
def test_symbolic_state_follows_a_driven_quarter_turn(face):
    start = CubeState.solved().apply(parse_moves("R U F' D2 L B'"))
    rig = CubeRig(start)
    assert read_facelets(rig.model, rig.data) == start.facelets
    tracker = FaceTracker(start, FACES, rig.angles())
    index = FACES.index(face)
    moves = []
    for _ in range(40):  # push clockwise (a negative angle) until past half way
        rig.drive({face: -0.06}, 0.08)
        moves += tracker.update(rig.angles())
        if rig.angle(face) < -np.pi / 4 - 0.2:
            break
    for _ in range(15):  # let go: the detent completes the turn
        rig.drive({}, 0.08)
        moves += tracker.update(rig.angles())
    assert [str(m) for m in moves] == [face]
    assert abs(rig.angles()[index] + np.pi / 2) < 0.05
    assert tracker.state == start.apply(parse_moves(face))
    assert read_facelets(rig.model, rig.data) == tracker.state.facelets


def test_ball_damping_is_set_apart_from_the_hinges():
    def ball_damping(rig):
        model = rig.model
        balls = [j for j in range(model.njnt) if model.joint(j).name.startswith("cube:ball:")]
        assert len(balls) == 20
        return {float(model.dof_damping[model.jnt_dofadr[j] + k]) for j in balls for k in range(3)}

    welded = CubeParams(layer_switching=False)
    assert ball_damping(CubeRig(params=welded)) == {CubeParams().ball_damping}
    older = CubeRig(params=welded.model_copy(update={"ball_damping": None}))  # older configs
    assert ball_damping(older) == {CubeParams().hinge_damping}
    rig = CubeRig(params=welded.model_copy(update={"ball_damping": 0.0}))
    assert ball_damping(rig) == {0.0}
    hinge = rig.model.jnt_dofadr[rig.model.joint("cube:hinge:U").id]
    assert rig.model.dof_damping[hinge] == CubeParams().hinge_damping
