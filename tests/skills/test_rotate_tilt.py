"""The rotate-tilt curriculum: a rotation's tilt test tightened as rotations succeed."""

import pytest
from pydantic import ValidationError

from cubehand.skills.rotate_tilt import RotateTilt, RotateTiltConfig


def test_the_tilt_tightens_and_loosens_by_rotations_only():
    ladder = RotateTilt(RotateTiltConfig(loose_tilt=0.4, tight_tilt=0.1, levels=3, window=4,
                                         tighten_at=0.5, loosen_at=0.25))  # fmt: skip
    assert ladder.tilt == pytest.approx(0.4) and ladder.value == 0.0
    others = {"flip": 9, "square": 9}
    ladder.record_episode(others | {"rotate": 1}, others | {"rotate": 2})
    assert ladder.level == 0  # two rotations so far, the window is four; others not counted
    ladder.record_episode({"rotate": 1}, {"rotate": 2})
    assert ladder.level == 1 and ladder.tilt == pytest.approx(0.3)
    ladder.record_episode({"rotate": 1}, {"rotate": 4})
    assert ladder.level == 0
    for _ in range(5):
        ladder.record_episode({"rotate": 4}, {"rotate": 4})
    assert ladder.at_top and ladder.tilt == pytest.approx(0.1)  # and no further
    again = RotateTilt(ladder.config)
    again.load_state_dict(ladder.state_dict())
    assert again.tilt == pytest.approx(0.1)


def test_ends_and_thresholds_must_be_ordered():
    with pytest.raises(ValidationError, match="loosen_at"):
        RotateTiltConfig(tighten_at=0.1, loosen_at=0.1)
    with pytest.raises(ValidationError, match="tight_tilt"):
        RotateTiltConfig(loose_tilt=0.1, tight_tilt=0.2)
