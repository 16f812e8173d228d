"""The full cube's layer welds engage when a face turns and let go when it is aligned."""

import numpy as np
import pytest
from pydantic import ValidationError

from cubehand.sim.cube_params import CubeParams

from .cube_rig import CubeRig

#: The pieces free between turns (the mode before breakaway became the default).
FREE = CubeParams(weld_breakaway=None)
#: Breakaway mode with 20 ball-jointed pieces and welds (before the switched layers).
WELDED = CubeParams(layer_switching=False)


def test_a_turn_welds_its_layer_and_the_rest_and_alignment_lets_go():
    rig = CubeRig(params=FREE)
    assert rig.welds.turning_face(rig.data) is None and not rig.data.eq_active.any()
    while abs(rig.angle("U")) < 0.1:
        rig.drive({"U": -0.06}, 0.08)
    rig.drive({"U": -0.06}, 0.08)  # the welds switch at the start of a control step
    assert rig.welds.turning_face(rig.data) == 0
    # The top's 8 pieces to its centre, the other 12 pieces and 5 centres to the core.
    assert int(rig.data.eq_active.sum()) == 25
    while rig.angle("U") > -np.pi / 4 - 0.2:
        rig.drive({"U": -0.06}, 0.08)
    rig.drive({}, 1.2)  # the detent completes the quarter turn
    assert abs(rig.angle("U") + np.pi / 2) < 0.02
    assert rig.welds.turning_face(rig.data) is None and not rig.data.eq_active.any()


def test_a_small_wobble_leaves_the_pieces_free():
    rig = CubeRig(params=FREE)
    rig.drive({"R": 0.012}, 0.8)  # the detent holds it about 0.02 rad out
    assert 0.0 < abs(rig.angle("R")) < 0.04
    assert rig.welds.turning_face(rig.data) is None


def test_welds_can_be_left_out_and_thresholds_are_checked():
    rig = CubeRig(params=CubeParams(layer_welds=False))
    assert rig.welds is None and rig.model.neq == 0
    assert CubeRig(params=WELDED).model.neq == 26 + 20 * 6
    with pytest.raises(ValidationError, match="weld_release"):
        CubeParams(weld_engage=0.02, weld_release=0.03)


def test_only_a_lone_misaligned_face_engages_the_welds():
    rig = CubeRig(params=FREE)
    rig.welds.update(rig.model, rig.data, np.array([0.1, 0.1, 0.0, 0.0, 0.0, 0.0]))
    assert not rig.data.eq_active.any()  # two faces off at once: a jolt, left to the contacts
    rig.welds.update(rig.model, rig.data, np.array([0.0, 0.0, 0.0, 0.0, -0.1, 0.0]))
    assert rig.welds.turning_face(rig.data) == 4
    # Held until that face is back within the release angle of a quarter turn.
    rig.welds.update(rig.model, rig.data, np.array([0.0, 0.0, 0.0, 0.0, -1.52, 0.0]))
    assert rig.welds.turning_face(rig.data) == 4
    rig.welds.update(rig.model, rig.data, np.array([0.0, 0.0, 0.0, 0.0, -1.56, 0.0]))
    assert rig.welds.turning_face(rig.data) is None


def test_breakaway_mode_holds_the_cube_rigid_until_a_layer_is_twisted():
    params = WELDED
    assert params.weld_breakaway == 0.03  # the default
    rig = CubeRig(params=params)
    rig.drive({"U": -0.02}, 1.0)  # under the breakaway load: the whole cube stays welded
    assert rig.welds.is_rigid(rig.data) and abs(rig.angle("U")) < 0.02
    loads = rig.welds.twisting_loads(rig.model, rig.data)
    assert abs(loads[0]) > 0.01 and np.all(np.abs(loads[1:]) < 1e-3)
    rig = CubeRig(params=params)
    rig.drive({"U": -0.05}, 2.0)
    assert rig.angle("U") < -1.5 and np.all(np.abs(rig.angles()[1:]) < 0.05)
    rig.drive({}, 1.2)  # aligned again: the whole cube is welded rigid once more
    assert rig.welds.is_rigid(rig.data)


def test_breakaway_pieces_touch_the_hand_but_not_each_other():
    def piece_contacts(params):
        rig = CubeRig(params=params)
        rig.drive({}, 0.4)
        model = rig.model
        pieces = {g for g in range(model.ngeom) if model.geom(g).name.startswith("cube:piece:")}
        return sum(
            rig.data.contact[i].geom1 in pieces and rig.data.contact[i].geom2 in pieces
            for i in range(rig.data.ncon)
        )

    assert piece_contacts(WELDED) == 0
    assert piece_contacts(FREE) > 20
