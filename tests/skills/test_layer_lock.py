"""The layer-lock curriculum steps its damping down on success and back up on collapse."""

import pytest
from pydantic import ValidationError

from cubehand.skills.layer_lock import LayerLock, LayerLockConfig

CONFIG = LayerLockConfig(start=4.0, factor=0.5, floor=0.6, window=10, unlock_at=0.5,
                         relock_at=0.1)  # fmt: skip


def test_success_unlocks_step_by_step_down_to_the_cube_as_built():
    lock = LayerLock(CONFIG)
    assert lock.value == 4.0
    lock.record(5, 9)  # 9 rotations: no decision yet
    assert lock.value == 4.0
    lock.record(1, 1)  # 6 of 10
    assert lock.value == 2.0 and lock.state_dict() == {"level": 1, "met": 0, "tried": 0}
    lock.record(5, 10)
    assert lock.value == 1.0
    lock.record(10, 10)  # 0.5 is below the floor 0.6: no lock at all
    assert lock.value == 0.0
    lock.record(10, 10)  # nothing left to unlock
    assert lock.value == 0.0 and lock.level == 3


def test_middling_success_keeps_the_lock_and_collapse_brings_it_back_to_start_at_most():
    lock = LayerLock(CONFIG)
    lock.record(3, 10)
    assert lock.value == 4.0
    lock.record(6, 10)
    lock.record(1, 10)  # 0.1: relock
    assert lock.value == 4.0
    lock.record(0, 10)
    assert lock.value == 4.0 and lock.level == 0


def test_state_round_trip_and_bad_input():
    lock = LayerLock(CONFIG)
    lock.record(7, 10)
    lock.record(2, 3)
    again = LayerLock(CONFIG)
    again.load_state_dict(lock.state_dict())
    assert again.state_dict() == {"level": 1, "met": 2, "tried": 3} and again.value == 2.0
    with pytest.raises(ValueError, match="met 3 rotations out of 2"):
        lock.record(3, 2)
    with pytest.raises(ValidationError, match="relock_at must be below unlock_at"):
        LayerLockConfig(unlock_at=0.3, relock_at=0.3)
