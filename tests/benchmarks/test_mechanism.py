"""Finger-like pushes on a top corner, core held: the rig and what each cube does."""

import pytest

from cubehand.benchmarks.mechanism import push_top_corner


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


@pytest.mark.xfail(
    strict=True,
    reason="known defect: the full cube's top layer jams near 0.2 rad under a 2.5 N corner "
    "push that turns the locked top in under a second (README, Simulation)",
)
def test_the_full_cube_top_turns_under_the_push_that_turns_the_locked_one():
    assert push_top_corner("full", 2.5).quarter_turn_s is not None
