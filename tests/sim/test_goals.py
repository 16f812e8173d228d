"""Curriculum goals and the names of flip directions."""

import numpy as np

from cubehand.sim.goals import curriculum_goal
from cubehand.sim.hand_frame import flip_direction


def test_flip_directions_name_where_the_face_points_in_the_hand():
    # Cube frame = hand frame: R (+x) faces the thumb side, B (+y) the fingertips.
    identity = np.eye(3)
    assert {face: flip_direction(identity, face) for face in "RLBF"} == {
        "R": "thumb", "L": "little", "B": "fingertips", "F": "wrist",
    }  # fmt: skip
    # A quarter turn about the palm normal moves each face to the next direction.
    quarter = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert flip_direction(quarter, "R") == "fingertips"


def test_side_weights_steer_the_flips_and_rotations_stay_as_they_were():
    rng = np.random.default_rng(0)
    weights = {"U": 1.0, "D": 1.0, "R": 0.0, "L": 0.0, "F": 1.0, "B": 0.0}
    goals = [curriculum_goal("U", rng, 0.0, weights) for _ in range(50)]
    assert {goal.face for goal in goals} == {"F"}
    plain, steered = np.random.default_rng(1), np.random.default_rng(1)
    for _ in range(20):
        assert curriculum_goal("U", plain, 1.0) == curriculum_goal("U", steered, 1.0, weights)


def test_every_curriculum_direction_has_an_axis():
    from cubehand.skills.flip_curriculum import FLIP_DIRECTIONS

    faces = {flip_direction(np.eye(3), face) for face in "RLBF"}
    assert faces == set(FLIP_DIRECTIONS)


def test_the_chance_of_a_counter_clockwise_rotation_steers_only_the_rotation_directions():
    rng = np.random.default_rng(2)
    assert {curriculum_goal("U", rng, 1.0, ccw_probability=1.0).direction for _ in range(20)} == {
        "ccw"
    }
    assert {curriculum_goal("U", rng, 1.0, ccw_probability=0.0).direction for _ in range(20)} == {
        "cw"
    }
    plain, even = np.random.default_rng(3), np.random.default_rng(3)
    for _ in range(20):  # an even chance draws exactly as before
        assert curriculum_goal("U", plain, 0.5) == curriculum_goal("U", even, 0.5, None, 0.5)
