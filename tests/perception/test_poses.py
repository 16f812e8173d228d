"""In-hand pose sampling on the mechanical cube."""

import numpy as np
import pytest

from cubehand.perception.poses import PoseSampler
from cubehand.sim.scene import SceneConfig, build_scene


@pytest.fixture(scope="module")
def sampler():
    return PoseSampler(build_scene(SceneConfig(cube="full")), steps_between=2,
                       samples_per_episode=3)  # fmt: skip


def test_labels_are_rotations_near_the_palm(sampler):
    labels = [label for episode, _ in zip(sampler.episodes(np.random.default_rng(0)), range(4),
                                          strict=False) for label in episode]  # fmt: skip
    assert len(labels) >= 6
    for label in labels:
        np.testing.assert_allclose(label.rotation @ label.rotation.T, np.eye(3), atol=1e-6)
        assert np.linalg.norm(label.position) < 0.06
        assert -np.pi <= label.top_angle <= np.pi
    # Orientations and top angles vary between episodes.
    assert len({tuple(np.round(label.rotation[:, 2], 1)) for label in labels}) > 1
    assert np.ptp([label.top_angle for label in labels]) > 0.5


def test_same_seed_same_poses(sampler):
    def first(seed):
        return next(next(sampler.episodes(np.random.default_rng(seed))))

    a, b, c = first(5), first(5), first(6)
    np.testing.assert_array_equal(a.rotation, b.rotation)
    assert not np.allclose(a.rotation, c.rotation)


def test_only_the_mechanical_cube():
    with pytest.raises(ValueError, match="full"):
        PoseSampler(build_scene(SceneConfig(cube="locked")))


def test_every_sample_shows_its_own_sticker_state(sampler):
    episode = next(sampler.episodes(np.random.default_rng(2)))
    colours = []
    for _ in episode:
        colours.append(sampler.colours)
    assert len(colours) >= 2 and len(set(colours)) == len(colours)
    # Centres keep their colours: they are what tells the orientation.
    assert all(c[4::9] == "URFDLB" for c in colours)


def test_the_top_layer_share_picks_which_layer_turns():
    scene = build_scene(SceneConfig(cube="full"))
    always_top = PoseSampler(scene, top_layer_share=1.0)
    any_layer = PoseSampler(scene, top_layer_share=0.0)
    rng = np.random.default_rng(0)
    assert {always_top._layer_to_turn(rng, "F") for _ in range(30)} == {"F"}
    assert {any_layer._layer_to_turn(rng, "F") for _ in range(60)} == set("URFDLB")
