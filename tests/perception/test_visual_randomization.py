"""Visual randomization: seeded draws, ranges that follow the scale, model edits undone."""

import numpy as np
import pytest

from cubehand.perception.dataset import build_render_scene
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
    model = build_render_scene(64).model
    fields = ("cam_pos", "light_diffuse", "mat_texid", "mat_specular", "mat_shininess")
    before = {name: getattr(model, name).copy() for name in fields}
    randomizer = VisualRandomizer(model)
    changed = set()
    for seed in range(4):
        randomizer.apply(sample_visuals(1.0, np.random.default_rng(seed)), "U" * 54)
        changed |= {n for n in fields if not np.array_equal(getattr(model, n), before[n])}
    assert changed == set(fields)
    randomizer.apply(nominal_visuals(), "U" * 54)
    for name in fields:
        np.testing.assert_allclose(getattr(model, name), before[name])


def test_a_plain_scene_is_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="not a render scene"):
        VisualRandomizer(build_scene(SceneConfig(cube="full")).model)


def test_postprocess_blurs_and_adds_noise():
    image = np.zeros((32, 32, 3), np.uint8)
    image[:, 16:] = 200
    values = nominal_visuals()
    out = postprocess(image, values, 0, np.random.default_rng(0))
    assert out.shape == image.shape and out.dtype == np.uint8
    assert 0 < out[:, 15].mean() < 200  # the edge got blurred
    assert out[:, :8].std() > 1  # noise on the dark side
