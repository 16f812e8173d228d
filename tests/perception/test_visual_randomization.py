"""Visual randomization: seeded draws, ranges that follow the scale, model edits undone."""

import numpy as np
import pytest

from cubehand.perception.visual_randomization import (
    VISUAL_PARAMETERS,
    VisualRandomizer,
    nominal_visuals,
    postprocess,
    sample_visuals,
)
from cubehand.sim.scene import SceneConfig, build_scene


def test_draws_are_seeded_and_stay_within_their_scaled_range():
    a = sample_visuals(0.5, np.random.default_rng(3))
    b = sample_visuals(0.5, np.random.default_rng(3))
    for parameter in VISUAL_PARAMETERS:
        np.testing.assert_array_equal(a[parameter.name], b[parameter.name])
        assert np.all(np.abs(a[parameter.name] - parameter.nominal) <= 0.5 * parameter.deviation)
    nominal = nominal_visuals()
    assert all(np.all(nominal[p.name] == p.nominal) for p in VISUAL_PARAMETERS)
    with pytest.raises(ValueError):
        sample_visuals(1.5, np.random.default_rng(0))


def test_apply_changes_the_model_and_nominal_values_restore_it():
    model = build_scene(SceneConfig(cube="full")).model
    before = (model.cam_pos.copy(), model.light_diffuse.copy(), model.geom_rgba.copy())
    randomizer = VisualRandomizer(model)
    randomizer.apply(sample_visuals(1.0, np.random.default_rng(1)), "U" * 54)
    assert not np.allclose(model.cam_pos, before[0])
    assert not np.allclose(model.light_diffuse, before[1])
    randomizer.apply(nominal_visuals(), "U" * 54)
    np.testing.assert_allclose(model.cam_pos, before[0])
    np.testing.assert_allclose(model.light_diffuse, before[1])


def test_postprocess_blurs_and_adds_noise():
    image = np.zeros((32, 32, 3), np.uint8)
    image[:, 16:] = 200
    values = nominal_visuals()
    out = postprocess(image, values, 0, np.random.default_rng(0))
    assert out.shape == image.shape and out.dtype == np.uint8
    assert 0 < out[:, 15].mean() < 200  # the edge got blurred
    assert out[:, :8].std() > 1  # noise on the dark side
