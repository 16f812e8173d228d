"""The rotate-pose curriculum: a rotation's pose test tightened as rotations succeed."""

import pytest
from pydantic import ValidationError

from cubehand.skills.rotate_pose import RotatePose, RotatePoseConfig


def test_the_pose_tightens_and_loosens_by_rotations_only():
    ladder = RotatePose(RotatePoseConfig(loose_pose=0.9, tight_pose=0.3, levels=3, window=4,
                                         tighten_at=0.5, loosen_at=0.25))  # fmt: skip
    assert ladder.pose == pytest.approx(0.9) and ladder.value == 0.0
    others = {"flip": 9, "square": 9}
    ladder.record_episode(others | {"rotate": 1}, others | {"rotate": 2})
    assert ladder.level == 0  # two rotations so far, the window is four; others not counted
    ladder.record_episode({"rotate": 1}, {"rotate": 2})
    assert ladder.level == 1 and ladder.pose == pytest.approx(0.7)
    ladder.record_episode({"rotate": 1}, {"rotate": 4})
    assert ladder.level == 0
    for _ in range(5):
        ladder.record_episode({"rotate": 4}, {"rotate": 4})
    assert ladder.at_top and ladder.pose == pytest.approx(0.3)  # and no further
    again = RotatePose(ladder.config)
    again.load_state_dict(ladder.state_dict())
    assert again.pose == pytest.approx(0.3)


def test_ends_and_thresholds_must_be_ordered():
    with pytest.raises(ValidationError, match="loosen_at"):
        RotatePoseConfig(tighten_at=0.1, loosen_at=0.1)
    with pytest.raises(ValidationError, match="tight_pose"):
        RotatePoseConfig(loose_pose=0.1, tight_pose=0.2)
