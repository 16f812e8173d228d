"""The flip-direction curriculum draws failing directions more, and remembers its counts."""

import pytest

from cubehand.skills.flip_curriculum import (
    FLIP_DIRECTIONS,
    FlipCurriculum,
    FlipCurriculumConfig,
)


def test_uniform_before_any_flip():
    weights = FlipCurriculum().weights()
    assert weights == pytest.approx(dict.fromkeys(FLIP_DIRECTIONS, 0.25))


def test_failing_directions_are_drawn_more_and_mastered_ones_keep_the_floor():
    curriculum = FlipCurriculum(FlipCurriculumConfig(decay=1.0, floor=0.1))
    for _ in range(20):
        curriculum.record({"fingertips": (1, 1), "wrist": (1, 1), "thumb": (0, 1),
                           "little": (1, 2)})  # fmt: skip
    rates = curriculum.success_rates()
    assert rates == pytest.approx({"fingertips": 1.0, "wrist": 1.0, "thumb": 0.0, "little": 0.5})
    weights = curriculum.weights()
    # Raw weights 0.1, 0.1, 1.0, 0.5 normalized.
    assert weights == pytest.approx({"fingertips": 0.1 / 1.7, "wrist": 0.1 / 1.7,
                                     "thumb": 1.0 / 1.7, "little": 0.5 / 1.7})  # fmt: skip
    assert sum(weights.values()) == pytest.approx(1.0)


def test_old_outcomes_fade():
    curriculum = FlipCurriculum(FlipCurriculumConfig(decay=0.5))
    for _ in range(10):
        curriculum.record({"thumb": (0, 1)})
    for _ in range(10):
        curriculum.record({"thumb": (1, 1)})
    assert curriculum.success_rates()["thumb"] > 0.99


def test_state_round_trip_and_bad_counts():
    curriculum = FlipCurriculum()
    curriculum.record({"wrist": (1, 3)})
    copy = FlipCurriculum()
    copy.load_state_dict(curriculum.state_dict())
    assert copy.weights() == curriculum.weights()
    with pytest.raises(ValueError, match="met 2 flips out of 1"):
        curriculum.record({"wrist": (2, 1)})


def test_the_same_rule_weighs_rotation_directions():
    from cubehand.skills.flip_curriculum import ROTATE_DIRECTIONS

    curriculum = FlipCurriculum(FlipCurriculumConfig(decay=1.0, floor=0.1), ROTATE_DIRECTIONS)
    assert curriculum.weights() == pytest.approx({"cw": 0.5, "ccw": 0.5})
    curriculum.record({"cw": (9, 10), "ccw": (0, 10)})  # the counter-clockwise turns fail
    assert curriculum.weights() == pytest.approx({"cw": 0.1 / 1.1, "ccw": 1.0 / 1.1})
    again = FlipCurriculum(directions=ROTATE_DIRECTIONS)
    again.load_state_dict(curriculum.state_dict())
    assert again.weights() == curriculum.weights()


def test_a_power_above_one_separates_directions_that_both_fail_often():
    from cubehand.skills.flip_curriculum import ROTATE_DIRECTIONS

    outcomes = {"cw": (17, 100), "ccw": (3, 100)}  # failing 83% and 97% of the time
    plain = FlipCurriculum(FlipCurriculumConfig(decay=1.0), ROTATE_DIRECTIONS)
    sharp = FlipCurriculum(FlipCurriculumConfig(decay=1.0, power=8.0), ROTATE_DIRECTIONS)
    plain.record(outcomes)
    sharp.record(outcomes)
    assert plain.weights()["ccw"] == pytest.approx(0.97 / (0.97 + 0.83))
    assert sharp.weights()["ccw"] == pytest.approx(0.97**8 / (0.97**8 + 0.83**8))
    assert 0.77 < sharp.weights()["ccw"] < 0.79
    sharp.record({"cw": (0, 10000), "ccw": (0, 10000)})  # both failing alike: drawn alike
    assert sharp.weights()["ccw"] == pytest.approx(0.5, abs=0.02)
    with pytest.raises(ValueError):
        FlipCurriculumConfig(power=0.0)
