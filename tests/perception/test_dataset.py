"""Shards: seeded, resumable, held-out seeds apart from training seeds."""

import numpy as np
import pytest

from cubehand.perception.dataset import (
    Batch,
    DatasetConfig,
    RenderSource,
    generate,
    missing_shards,
    read_shards,
    shard_seed,
    write_shard,
)
from cubehand.solver.errors import CubeError

TINY = DatasetConfig(resolution=32, shard_size=3, train_shards=2, eval_shards=1,
                     samples_per_episode=2, steps_between=1)  # fmt: skip


def test_shards_are_written_once_and_read_back(tmp_path):
    paths = generate(TINY, tmp_path, "train")
    assert [p.name for p in paths] == ["shard-00000.npz", "shard-00001.npz"]
    stamps = [p.stat().st_mtime_ns for p in paths]
    assert missing_shards(TINY, tmp_path, "train") == []
    generate(TINY, tmp_path, "train")  # resumes: nothing left to do
    assert [p.stat().st_mtime_ns for p in paths] == stamps
    batch = read_shards(paths)
    assert batch.images.shape == (6, 3, 32, 32, 3) and batch.images.dtype == np.uint8
    assert batch.images.std() > 10
    assert batch.rotation.shape == (6, 3, 3) and batch.top_angle.shape == (6,)


def test_same_seed_same_shard_and_eval_seeds_apart(tmp_path):
    generate(TINY, tmp_path / "a", "train")  # shard 1 after shard 0, in one process
    after_shard_0 = read_shards([tmp_path / "a" / "train" / "shard-00001.npz"])
    (tmp_path / "a" / "train" / "shard-00001.npz").unlink()
    generate(TINY, tmp_path / "a", "train")  # regenerates shard 1 alone
    reported = []
    generate(TINY, tmp_path / "b", "train", reported.append, workers=2)  # same shards
    assert sorted(reported) == [0, 1]
    a = read_shards([tmp_path / "a" / "train" / "shard-00001.npz"])
    b = read_shards([tmp_path / "b" / "train" / "shard-00001.npz"])
    np.testing.assert_array_equal(a.images, b.images)
    # Nothing of shard 0's episodes carries over into shard 1 (the cube's locks and geoms).
    np.testing.assert_array_equal(a.position, after_shard_0.position)
    np.testing.assert_array_equal(a.images, after_shard_0.images)
    train_seeds = {shard_seed(TINY, "train", i) for i in range(10_000)}
    assert shard_seed(TINY, "eval", 0) not in train_seeds


def test_missing_or_broken_shards_are_named(tmp_path):
    with pytest.raises(CubeError, match="no dataset shards"):
        read_shards([])
    broken = tmp_path / "shard-00000.npz"
    broken.write_text("not a shard")
    with pytest.raises(CubeError, match="cannot read dataset shard"):
        read_shards([broken])


def _made_up_shard(count: int, side: int, first: int) -> Batch:
    values = np.arange(first, first + count, dtype=np.float32)
    return Batch(
        images=np.full((count, 3, side, side, 3), first, np.uint8),
        position=np.repeat(values[:, None], 3, axis=1),
        rotation=np.repeat(np.eye(3, dtype=np.float32)[None], count, axis=0),
        top_angle=values,
    )


def test_shards_of_different_lengths_are_joined_in_order(tmp_path):
    paths = [tmp_path / f"shard-0000{i}.npz" for i in range(3)]
    for path, (count, first) in zip(paths, [(2, 0), (3, 2), (1, 5)], strict=True):
        write_shard(path, _made_up_shard(count, 4, first))
    joined = read_shards(paths)
    np.testing.assert_array_equal(joined.top_angle, np.arange(6))
    np.testing.assert_array_equal(joined.images[:, 0, 0, 0, 0], [0, 0, 2, 2, 2, 5])
    assert joined.images.dtype == np.uint8 and joined.position.shape == (6, 3)
    write_shard(paths[2], _made_up_shard(1, 8, 5))
    with pytest.raises(CubeError, match="does not match the others"):
        read_shards(paths)


def test_a_turning_layer_shows_the_tinted_sticker_colours():
    source = RenderSource(TINY)
    model, mechanism = source.scene.model, source.scene.mechanism
    try:
        checked = 0
        for _, _ in zip(source.samples(np.random.default_rng(4)), range(12), strict=False):
            if mechanism.shown is None:
                continue
            layer = mechanism.layers[mechanism.shown]
            under = layer.slots[mechanism.shown_turns % 4]
            np.testing.assert_array_equal(
                model.geom_rgba[layer.copy_stickers], model.geom_rgba[under]
            )
            checked += 1
        assert checked > 0
    finally:
        source.close()
