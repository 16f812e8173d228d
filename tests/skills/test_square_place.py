"""The square-place curriculum: a square goal's radius tightened as square goals succeed."""

import pytest
from pydantic import ValidationError

from cubehand.skills.square_place import SquarePlace, SquarePlaceConfig


def test_the_radius_tightens_and_loosens_by_square_goals_only():
    ladder = SquarePlace(SquarePlaceConfig(loose_radius=0.06, tight_radius=0.01, levels=5,
                                           window=4, tighten_at=0.5, loosen_at=0.25))  # fmt: skip
    assert ladder.radius == pytest.approx(0.06) and ladder.value == 0.0
    others = {"rotate": 9, "flip": 9}
    ladder.record_episode(others | {"square": 1}, others | {"square": 2})
    assert ladder.level == 0  # two square goals so far, the window is four; others not counted
    ladder.record_episode({"square": 1}, {"square": 2})
    assert ladder.level == 1 and ladder.radius == pytest.approx(0.05)
    ladder.record_episode({"square": 1}, {"square": 4})
    assert ladder.level == 0
    for _ in range(7):
        ladder.record_episode({"square": 4}, {"square": 4})
    assert ladder.at_top and ladder.radius == pytest.approx(0.01)  # and no further
    state = ladder.state_dict()
    again = SquarePlace(ladder.config)
    again.load_state_dict(state)
    assert again.radius == pytest.approx(0.01)


def test_ends_and_thresholds_must_be_ordered():
    with pytest.raises(ValidationError, match="loosen_at"):
        SquarePlaceConfig(tighten_at=0.3, loosen_at=0.3)
    with pytest.raises(ValidationError, match="tight_radius"):
        SquarePlaceConfig(loose_radius=0.01, tight_radius=0.02)
