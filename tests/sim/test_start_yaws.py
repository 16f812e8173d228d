import pytest

from cubehand.sim.start_yaws import START_YAW_KEYS, YAW_BINS, start_yaw_key, sum_start_yaws


@pytest.mark.parametrize(
    ("degrees", "name"),
    [
        (0.0, "0-10"),
        (9.99, "0-10"),
        (10.0, "10-20"),
        (29.0, "20-30"),
        (44.9, "30-45"),
        (45.0, "30-45"),
    ],  # fmt: skip
)
def test_start_yaw_key_bins_degrees_off_square(degrees, name):
    assert start_yaw_key("rotate", degrees) == f"rotate {name}"
    assert start_yaw_key("flip", degrees) == f"flip {name}"


def test_sum_start_yaws_adds_met_and_tried_for_every_key_in_order():
    episodes = [{"rotate 0-10": (1, 1), "flip 20-30": (0, 2)}, {"rotate 0-10": (0, 1)}]
    totals = sum_start_yaws(episodes)
    assert list(totals) == list(START_YAW_KEYS)
    assert len(START_YAW_KEYS) == 3 * len(YAW_BINS)
    assert totals["rotate 0-10"] == [1, 2] and totals["flip 20-30"] == [0, 2]
    assert totals["rotate 30-45"] == [0, 0]
