"""ADR on synthetic performance signals (no simulator)."""

import numpy as np
import pytest

from cubehand.skills.adr import ADR, MIN_WIDTH, AdrConfig, AdrParameter, Boundary

PARAMS = [
    AdrParameter("friction", 1.0, (0.5, 1.5), 0.1),
    AdrParameter("mass", 1.0, (0.8, 2.0), 0.1),
]
SMALL = AdrConfig(buffer_size=4)


def _run(adr, performance, episodes):
    for _ in range(episodes):
        ranges, boundary = adr.episode_ranges()
        value = None
        if boundary is not None:
            value = ranges[boundary.name][0]
            assert ranges[boundary.name][0] == ranges[boundary.name][1]
        adr.record(boundary, performance(boundary, value))


def test_ranges_start_at_nominal():
    adr = ADR(PARAMS, SMALL, np.random.default_rng(0))
    assert adr.ranges == {"friction": [1.0, 1.0], "mass": [1.0, 1.0]}
    assert adr.entropy() == pytest.approx(np.log(MIN_WIDTH))


def test_good_performance_widens_every_bound_up_to_its_limit():
    adr = ADR(PARAMS, SMALL, np.random.default_rng(1))
    _run(adr, lambda b, v: 25.0, 2000)
    assert adr.ranges["friction"] == pytest.approx([0.5, 1.5])
    assert adr.ranges["mass"] == pytest.approx([0.8, 2.0])
    assert adr.entropy() > np.log(0.9)


def test_poor_performance_keeps_ranges_at_nominal():
    adr = ADR(PARAMS, SMALL, np.random.default_rng(2))
    _run(adr, lambda b, v: 3.0, 500)
    assert adr.ranges == {"friction": [1.0, 1.0], "mass": [1.0, 1.0]}


def test_ranges_settle_where_performance_crosses_the_thresholds():
    # Performance falls as mass rises: 30 at nominal, below t_L beyond 1.45.
    def performance(boundary, value):
        if boundary is None or boundary.name != "mass":
            return 25.0
        return 30.0 - 40.0 * max(value - 1.0, 0.0)

    adr = ADR(PARAMS, SMALL, np.random.default_rng(3))
    _run(adr, performance, 4000)
    assert 1.2 <= adr.ranges["mass"][1] <= 1.5
    assert adr.ranges["mass"][0] == pytest.approx(0.8)


def test_middling_performance_moves_nothing_and_buffers_clear():
    adr = ADR(PARAMS, SMALL, np.random.default_rng(4))
    for _ in range(4):
        moved = adr.record(Boundary("friction", "high"), 15.0)
    assert not moved
    assert adr.buffers[("friction", "high")] == []
    assert adr.ranges["friction"] == [1.0, 1.0]


def test_narrowing_never_passes_nominal():
    adr = ADR(PARAMS, SMALL, np.random.default_rng(5))
    adr.ranges["friction"] = [0.6, 1.1]
    for _ in range(4):
        adr.record(Boundary("friction", "high"), 0.0)
    assert adr.ranges["friction"][1] == pytest.approx(1.0)
    for _ in range(8):
        adr.record(Boundary("friction", "high"), 0.0)
    assert adr.ranges["friction"][1] == pytest.approx(1.0)


def test_boundary_probability_is_respected():
    adr = ADR(PARAMS, AdrConfig(boundary_probability=0.25), np.random.default_rng(6))
    pinned = sum(adr.episode_ranges()[1] is not None for _ in range(4000))
    assert abs(pinned / 4000 - 0.25) < 0.03


def test_state_round_trip_resumes_exactly():
    adr = ADR(PARAMS, SMALL, np.random.default_rng(7))
    _run(adr, lambda b, v: 22.0, 37)
    saved = adr.state_dict()
    clone = ADR(PARAMS, SMALL, np.random.default_rng(999))
    clone.load_state_dict(saved)
    _run(adr, lambda b, v: 22.0, 50)
    _run(clone, lambda b, v: 22.0, 50)
    assert clone.ranges == adr.ranges and clone.buffers == adr.buffers


def test_defaults_are_the_papers():
    config = AdrConfig()
    assert (config.boundary_probability, config.buffer_size) == (0.5, 240)
    assert (config.high_threshold, config.low_threshold) == (20.0, 10.0)
