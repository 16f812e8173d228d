"""Render-scene patterns and materials: each pattern reachable, the physics untouched."""

import numpy as np

from cubehand.perception.dataset import build_render_scene
from cubehand.perception.visual_randomization import VisualRandomizer, nominal_visuals
from cubehand.perception.visual_textures import CUBE_MATERIAL, HAND_PATTERNS, pattern_index
from cubehand.sim.scene import SceneConfig, build_scene


def test_texture_values_pick_plain_or_each_pattern():
    count = len(HAND_PATTERNS)
    assert [pattern_index(v, count) for v in (0.0, 0.99, -1.2, 2.5, -count - 0.5, 99.0)] == [
        0, 0, 1, 2, count, count,
    ]  # fmt: skip
    model = build_render_scene(64).model
    randomizer = VisualRandomizer(model)
    hand = model.material("robot0:MatViz").id
    worn = set()
    for value in np.arange(count + 1) + 0.5:
        values = nominal_visuals() | {"hand_texture": np.array([value])}
        randomizer.apply(values, "U" * 54)
        worn.add(int(model.mat_texid[hand, 1]))
    assert worn == {-1, *(model.texture(p.name).id for p in HAND_PATTERNS)}


def test_the_render_scene_has_the_plain_scenes_physics():
    render = build_render_scene(64).model
    plain = build_scene(SceneConfig(cube="full", camera_resolution=64)).model
    assert (render.nq, render.nv, render.ngeom, render.nbody) == (
        plain.nq, plain.nv, plain.ngeom, plain.nbody,
    )  # fmt: skip
    for field in ("geom_size", "geom_friction", "geom_contype", "geom_conaffinity", "body_mass"):
        np.testing.assert_array_equal(getattr(render, field), getattr(plain, field))
    cube = render.material(CUBE_MATERIAL).id
    dressed = render.geom_matid[[render.geom(i).name.startswith("cube") for i in
                                 range(render.ngeom)]]  # fmt: skip
    assert np.all(dressed == cube)
