"""The flip place tightens where a flip counts as met as flips succeed, and loosens on collapse."""

import math

import pytest
from pydantic import ValidationError

from cubehand.skills.flip_place import FlipPlace, FlipPlaceConfig

CONFIG = FlipPlaceConfig(loose_radius=0.08, tight_radius=0.02, loose_square=0.6,
                         tight_square=0.2, levels=2, window=10, tighten_at=0.4,
                         loosen_at=0.1)  # fmt: skip


def test_flip_success_tightens_radius_and_square_together_up_to_the_tight_end():
    place = FlipPlace(CONFIG)
    assert (place.radius, place.square) == (0.08, 0.6)
    place.record_episode({"flip": 4, "rotate": 0}, {"flip": 9, "rotate": 5})  # rotations ignored
    assert place.level == 0
    place.record_episode({"flip": 1}, {"flip": 1})
    assert place.radius == pytest.approx(0.05) and place.square == pytest.approx(0.4)
    place.record_episode({"flip": 10}, {"flip": 10})
    assert place.at_top and place.radius == pytest.approx(0.02)
    place.record_episode({"flip": 10}, {"flip": 10})
    assert place.level == 2 and place.square == pytest.approx(0.2)


def test_flip_failure_loosens_and_state_round_trips():
    place = FlipPlace(CONFIG)
    place.record_episode({"flip": 5}, {"flip": 10})
    place.record_episode({"flip": 1}, {"flip": 10})
    assert place.level == 0 and place.radius == 0.08
    place.record_episode({"flip": 2}, {"flip": 3})
    copy = FlipPlace(CONFIG)
    copy.load_state_dict(place.state_dict())
    assert copy.state_dict() == {"level": 0, "met": 2, "tried": 3}


def test_defaults_start_at_the_goal_tests_own_place_and_config_checks_its_order():
    place = FlipPlace()
    assert place.radius == 0.08 and place.square == pytest.approx(math.pi / 4)
    with pytest.raises(ValidationError, match="loosen_at must be below tighten_at"):
        FlipPlaceConfig(tighten_at=0.2, loosen_at=0.3)
    with pytest.raises(ValidationError, match="tight end"):
        FlipPlaceConfig(tight_radius=0.1)


def test_square_rotations_counts_rotations_with_flips():
    place = FlipPlace(CONFIG.model_copy(update={"square_rotations": True}))
    assert place.kinds == ("flip", "rotate") and FlipPlace(CONFIG).kinds == ("flip",)
    placed = FlipPlace(CONFIG.model_copy(update={"place_rotations": True}))
    assert placed.kinds == ("flip", "rotate")
    place.record_episode({"flip": 0, "rotate": 4}, {"flip": 3, "rotate": 6})  # 4 of 9
    assert place.level == 0
    place.record_episode({"rotate": 1}, {"rotate": 1})  # 5 of 10 tightens
    assert place.level == 1


def test_flips_can_be_left_to_the_env_while_rotations_are_judged():
    config = FlipPlaceConfig(place_rotations=True, flips=False, window=2, tighten_at=0.5,
                             loosen_at=0.1)  # fmt: skip
    place = FlipPlace(config)
    assert place.kinds == ("rotate",)
    place.record_episode({"flip": 0, "rotate": 1}, {"flip": 9, "rotate": 1})
    place.record_episode({"flip": 0, "rotate": 1}, {"flip": 9, "rotate": 1})  # 2 of 2
    assert place.level == 1
    with pytest.raises(ValidationError, match="flips: false needs"):
        FlipPlaceConfig(flips=False)
