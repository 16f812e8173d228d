"""Finger-like pushes on a top corner, core held: the rig and what each cube does."""

from cubehand.benchmarks.mechanism import push_top_corner
from cubehand.sim.cube_params import CubeParams


def test_a_corner_push_turns_the_locked_top_and_a_light_one_does_not():
    turned = push_top_corner("locked", 2.5)
    assert turned.quarter_turn_s is not None and turned.quarter_turn_s < 1.0
    assert turned.top_angle > 1.4 and turned.other_faces == 0.0 and not turned.blew_up
    # 0.8 N on the corner is about 0.02 N m about the axis: under the detent's 0.03.
    held = push_top_corner("locked", 0.8)
    assert held.quarter_turn_s is None and held.top_angle < 0.1


def test_a_firm_corner_push_turns_the_full_cube_top_alone():
    result = push_top_corner("full", 4.0)
    assert result.quarter_turn_s is not None and result.quarter_turn_s < 1.5
    assert result.other_faces < 0.05 and not result.blew_up


def test_the_layer_welds_let_the_push_that_turns_the_locked_top_turn_the_full_one():
    welded = push_top_corner("full", 2.5)
    assert welded.quarter_turn_s is not None and welded.quarter_turn_s < 1.5
    assert welded.other_faces < 0.05 and not welded.blew_up
    # At 2 N, without them the top layer's pieces tilt, catch on the layer below and jam.
    assert push_top_corner("full", 2.0).top_angle > 0.6
    jammed = push_top_corner("full", 2.0, CubeParams(layer_welds=False))
    assert jammed.quarter_turn_s is None and jammed.top_angle < 0.3
