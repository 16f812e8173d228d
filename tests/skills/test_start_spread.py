"""The start spread widens where episodes start as goals succeed, and narrows on collapse."""

import pytest
from pydantic import ValidationError

from cubehand.skills.start_spread import StartSpread, StartSpreadConfig

CONFIG = StartSpreadConfig(step=0.4, window=10, widen_at=0.3, narrow_at=0.1)


def test_success_widens_step_by_step_up_to_the_full_spread():
    spread = StartSpread(CONFIG)
    assert spread.value == 0.0
    spread.record(3, 9)  # no decision before a window of goals
    assert spread.value == 0.0
    spread.record(0, 1)
    assert spread.value == pytest.approx(0.4)
    spread.record(5, 10)
    spread.record(5, 10)
    assert spread.value == 1.0 and spread.at_top  # 1.2 capped
    spread.record(10, 10)
    assert spread.level == 3  # no step past the top


def test_collapse_narrows_it_never_below_zero_and_state_round_trips():
    spread = StartSpread(CONFIG)
    spread.record(3, 10)
    spread.record(1, 10)
    assert spread.value == 0.0
    spread.record(0, 10)
    assert spread.level == 0
    spread.record(2, 10)  # between the thresholds: stays
    assert spread.level == 0
    spread.record(1, 4)
    copy = StartSpread(CONFIG)
    copy.load_state_dict(spread.state_dict())
    assert copy.state_dict() == {"level": 0, "met": 1, "tried": 4}


def test_config_checks_its_order():
    with pytest.raises(ValidationError, match="narrow_at"):
        StartSpreadConfig(widen_at=0.2, narrow_at=0.3)
    with pytest.raises(ValidationError):
        StartSpreadConfig(step=0)


def test_episodes_count_every_goal_or_only_rotations():
    every = StartSpread(StartSpreadConfig(step=0.5, window=4, widen_at=0.5, narrow_at=0.25))
    rotations = StartSpread(
        StartSpreadConfig(step=0.5, window=4, widen_at=0.5, narrow_at=0.25, goals="rotate")
    )
    for spread in (every, rotations):
        spread.record_episode({"rotate": 0, "flip": 2}, {"rotate": 2, "flip": 2})
    assert every.value == 0.5  # 2 of 4 goals met: widens
    assert rotations.value == 0.0 and rotations.state_dict()["tried"] == 2  # 0 of 2 so far
    rotations.record_episode({"rotate": 0, "flip": 3}, {"rotate": 2, "flip": 3})
    assert rotations.value == 0.0 and rotations.level == 0  # 0 of 4 rotations: no widening
