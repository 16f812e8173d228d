"""The stiffness ramp raises the cube's torques on success, up to the nominal cube."""

import pytest
from pydantic import ValidationError

from cubehand.skills.stiffness_ramp import StiffnessRamp, StiffnessRampConfig

CONFIG = StiffnessRampConfig(start=0.5, factor=1.5, window=10, raise_at=0.5, lower_at=0.1)


def test_success_raises_the_fraction_step_by_step_up_to_one():
    ramp = StiffnessRamp(CONFIG)
    assert ramp.value == 0.5
    ramp.record(9, 9)  # no decision before a window of rotations
    assert ramp.value == 0.5
    ramp.record(1, 1)
    assert ramp.value == pytest.approx(0.75) and ramp.level == 1
    ramp.record(5, 10)
    assert ramp.value == 1.0 and ramp.at_top  # 1.125 capped
    ramp.record(10, 10)
    assert ramp.value == 1.0 and ramp.level == 2


def test_collapse_lowers_it_and_state_round_trips():
    ramp = StiffnessRamp(CONFIG)
    ramp.record(10, 10)
    ramp.record(0, 10)
    assert ramp.value == 0.5 and ramp.level == 0
    ramp.record(0, 10)  # never below the start
    assert ramp.level == 0
    ramp.record(10, 10)
    ramp.record(2, 4)
    copy = StiffnessRamp(CONFIG)
    copy.load_state_dict(ramp.state_dict())
    assert copy.state_dict() == {"level": 1, "met": 2, "tried": 4}


def test_config_checks_its_order():
    with pytest.raises(ValidationError, match="lower_at"):
        StiffnessRampConfig(raise_at=0.2, lower_at=0.3)
    with pytest.raises(ValidationError):
        StiffnessRampConfig(factor=0.9)
    with pytest.raises(ValidationError):
        StiffnessRampConfig(start=1.5)
