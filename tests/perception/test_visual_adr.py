"""Visual ADR: ranges in deviation units, the accuracy rule, and bounds that follow accuracy."""

import numpy as np
import pytest

from cubehand.perception.visual_adr import VisionAdrConfig, VisualAdr, met_targets
from cubehand.perception.visual_randomization import (
    VISUAL_PARAMETERS,
    nominal_visuals,
    parameter,
    sample_visuals,
    sample_visuals_within,
)
from cubehand.skills.adr import Boundary


def test_ranges_are_in_units_of_each_parameters_deviation():
    rng = np.random.default_rng(0)
    values = sample_visuals_within({}, rng)
    for name, nominal in nominal_visuals().items():
        np.testing.assert_allclose(values[name], nominal)
    light = parameter("light_intensity")
    pinned = sample_visuals_within({"light_intensity": (0.5, 0.5)}, rng)
    assert pinned["light_intensity"][0] == pytest.approx(light.nominal + 0.5 * light.deviation)
    wide = sample_visuals_within({"image_noise": (-1.0, 1.0)}, np.random.default_rng(1))
    noise = parameter("image_noise")
    assert abs(wide["image_noise"][0] - noise.nominal) <= noise.deviation
    with pytest.raises(ValueError, match="image_blur"):
        sample_visuals_within({"image_blur": (0.2, 1.5)}, rng)


def test_full_ranges_draw_exactly_what_the_full_scale_draws():
    full = {p.name: (-1.0, 1.0) for p in VISUAL_PARAMETERS}
    within = sample_visuals_within(full, np.random.default_rng(11))
    scaled = sample_visuals(1.0, np.random.default_rng(11))
    for name in scaled:
        np.testing.assert_array_equal(within[name], scaled[name])


def test_a_render_meets_the_targets_only_when_all_three_errors_do():
    config = VisionAdrConfig()
    errors = {
        "orientation_deg": np.array([4.0, 6.0, 4.0, 4.0]),
        "position_mm": np.array([4.0, 1.0, 5.5, 1.0]),
        "face_angle_deg": np.array([5.0, 1.0, 1.0, 7.0]),
    }
    assert met_targets(errors, config).tolist() == [True, False, False, False]


def test_every_range_starts_at_nominal_and_pinned_episodes_are_tagged():
    adr = VisualAdr(VisionAdrConfig(boundary_probability=1.0), np.random.default_rng(0))
    assert set(adr.ranges()) == {p.name for p in VISUAL_PARAMETERS}
    values, tag = adr.draw(np.random.default_rng(1))
    assert isinstance(tag, Boundary)
    for name, nominal in nominal_visuals().items():
        np.testing.assert_allclose(values[name], nominal)
    assert adr.mean_width() == 0.0


def _run(adr: VisualAdr, success: callable, renders: int, seed: int) -> None:
    """Feed ``renders`` single-render episodes whose success probability depends on how far
    their pinned bound lies from nominal."""
    rng = np.random.default_rng(seed)
    for _ in range(renders):
        _, tag = adr.draw(rng)
        if tag is None:
            continue
        bound = adr.adr.ranges[tag.name][0 if tag.side == "low" else 1]
        adr.record([tag], np.array([rng.random() < success(abs(bound))]))


def test_bounds_widen_while_accurate_and_settle_where_accuracy_falls_to_the_thresholds():
    config = VisionAdrConfig(buffer_size=20, high_threshold=0.5, low_threshold=0.25, step=0.1)
    adr = VisualAdr(config, np.random.default_rng(2))
    start = adr.entropy()
    # Accuracy falls linearly from 1 at nominal to 0 at the full range: widening stops where
    # it drops below 0.5, narrowing starts below 0.25, so bounds settle near 0.5 to 0.75.
    _run(adr, lambda distance: 1.0 - distance, 40_000, seed=3)
    bounds = np.abs(np.array(list(adr.ranges().values()))).ravel()
    assert adr.entropy() > start
    assert bounds.min() >= 0.35 and bounds.max() <= 0.85
    assert 0.45 <= bounds.mean() <= 0.75


def test_an_inaccurate_network_keeps_the_ranges_at_nominal():
    adr = VisualAdr(VisionAdrConfig(buffer_size=10), np.random.default_rng(4))
    _run(adr, lambda distance: 0.1, 20_000, seed=5)
    assert adr.mean_width() == 0.0


def test_state_round_trip():
    config = VisionAdrConfig(buffer_size=5)
    adr = VisualAdr(config, np.random.default_rng(6))
    _run(adr, lambda distance: 1.0, 2_000, seed=7)
    assert adr.mean_width() > 0
    other = VisualAdr(config, np.random.default_rng(99))
    other.load_state_dict(adr.state_dict())
    assert other.state_dict() == adr.state_dict()
    tags = [(adr.draw(np.random.default_rng(i))[1], other.draw(np.random.default_rng(i))[1])
            for i in range(20)]  # fmt: skip
    assert all(a == b for a, b in tags) and any(a is not None for a, _ in tags)


def test_thresholds_must_be_in_order():
    with pytest.raises(ValueError, match="low_threshold"):
        VisionAdrConfig(low_threshold=0.6, high_threshold=0.5)
