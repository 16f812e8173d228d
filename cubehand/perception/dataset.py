"""Datasets of labelled three-camera renders, written in resumable, seeded shards.

A shard is one ``.npz`` file: ``images`` (N, 3 cameras, H, W, 3, uint8), ``position``
(N, 3, m), ``rotation`` (N, 3, 3) and ``top_angle`` (N,). Shard ``i`` of a split is drawn
from its own seed (training shards from ``seed + i``, held-out shards from
``EVAL_SEED_OFFSET + seed + i``), so any shard can be regenerated alone, and a shard that
already exists is skipped: an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import mujoco
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from cubehand.perception.poses import PoseSampler
from cubehand.perception.visual_randomization import (
    VisualRandomizer,
    postprocess,
    sample_visuals,
)
from cubehand.perception.visual_textures import add_visual_textures
from cubehand.sim.constants import VISION_CAMERAS
from cubehand.sim.render import make_renderer, render_views
from cubehand.sim.scene import Scene, SceneConfig, build_spec, scene_from_model
from cubehand.solver.errors import CubeError

Split = Literal["train", "eval"]
#: Draws one episode's visual values and a tag that its samples carry (ADR: the bound pinned).
VisualDraw = Callable[[np.random.Generator], tuple[dict[str, np.ndarray], object]]
#: Held-out shards draw their seeds from here up; training seeds stay below.
EVAL_SEED_OFFSET = 1_000_000


class DatasetConfig(BaseModel):
    """How many renders, at what size and with how much visual randomization."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resolution: int = Field(96, ge=32, le=256, description="image width and height (pixels)")
    shard_size: int = Field(256, ge=1, description="samples per shard")
    train_shards: int = Field(64, ge=1)
    eval_shards: int = Field(4, ge=1)
    seed: int = Field(0, ge=0, lt=EVAL_SEED_OFFSET)
    visual_scale: float = Field(1.0, ge=0, le=1, description="fraction of each visual range")
    steps_between: int = Field(6, ge=1, description="hand steps between two samples")
    samples_per_episode: int = Field(8, ge=1)
    top_layer_share: float = Field(
        0.7, ge=0, le=1,
        description="share of episodes that part-turn the upward layer (the rest turn a random "
        "one); held-out renders always use the default",
    )  # fmt: skip


@dataclass
class Batch:
    """Images and labels, as arrays with a leading sample axis."""

    images: np.ndarray
    position: np.ndarray
    rotation: np.ndarray
    top_angle: np.ndarray

    def __len__(self) -> int:
        return len(self.images)


def shard_path(root: Path, split: Split, index: int) -> Path:
    """Where shard ``index`` of ``split`` lives under ``root``."""
    return root / split / f"shard-{index:05d}.npz"


def shard_seed(config: DatasetConfig, split: Split, index: int) -> int:
    """The seed that shard ``index`` of ``split`` is drawn from."""
    return config.seed + index + (EVAL_SEED_OFFSET if split == "eval" else 0)


def build_render_scene(resolution: int) -> Scene:
    """The full-cube scene with the patterns and materials that visual randomization
    switches between (see :mod:`cubehand.perception.visual_textures`)."""
    config = SceneConfig(cube="full", camera_resolution=resolution)
    spec = build_spec(config)
    add_visual_textures(spec)
    return scene_from_model(config, spec.compile())


class RenderSource:
    """Renders labelled samples: random in-hand poses under random visuals."""

    def __init__(self, config: DatasetConfig) -> None:
        self.config = config
        self.scene = build_render_scene(config.resolution)
        self.sampler = PoseSampler(
            self.scene, config.steps_between, config.samples_per_episode,
            top_layer_share=config.top_layer_share,
        )  # fmt: skip
        self.visuals = VisualRandomizer(self.scene.model)
        self.renderer = make_renderer(self.scene.model, config.resolution)

    def samples(self, rng: np.random.Generator) -> Iterator[tuple[np.ndarray, object]]:
        """Endless (images, label) pairs; images is (3, H, W, 3) uint8."""
        for images, label, _ in self.tagged_samples(rng):
            yield images, label

    def tagged_samples(
        self, rng: np.random.Generator, draw: VisualDraw | None = None
    ) -> Iterator[tuple[np.ndarray, object, object]]:
        """Endless (images, label, tag) triples, each episode's visuals from ``draw`` (by
        default the config's ``visual_scale`` of every range, tag None)."""
        for episode in self.sampler.episodes(rng):
            if draw is None:
                values, tag = sample_visuals(self.config.visual_scale, rng), None
            else:
                values, tag = draw(rng)
            for label in episode:
                # The sampler repaints the stickers for each sample: tint them again.
                self.visuals.apply(values, self.sampler.colours)
                self.sampler.copy_colours()  # a turning layer shows the tinted colours too
                # Cameras and lights may have moved: recompute their world poses now.
                mujoco.mj_camlight(self.scene.model, self.sampler.data)
                views = render_views(self.renderer, self.sampler.data, VISION_CAMERAS)
                images = [postprocess(views[camera], values, index, rng)
                          for index, camera in enumerate(VISION_CAMERAS)]  # fmt: skip
                yield np.stack(images), label, tag

    def batch(self, count: int, rng: np.random.Generator) -> Batch:
        """``count`` samples drawn from ``rng``."""
        return self.tagged_batch(count, rng)[0]

    def tagged_batch(
        self, count: int, rng: np.random.Generator, draw: VisualDraw | None = None
    ) -> tuple[Batch, list[object]]:
        """``count`` samples drawn from ``rng`` (visuals from ``draw``) and their tags."""
        images, position, rotation, angle, tags = [], [], [], [], []
        samples = self.tagged_samples(rng, draw)
        for _, (image, label, tag) in zip(range(count), samples, strict=False):  # no extra draw
            images.append(image)
            position.append(label.position)
            rotation.append(label.rotation)
            angle.append(label.top_angle)
            tags.append(tag)
        batch = Batch(np.stack(images), np.stack(position), np.stack(rotation), np.array(angle))
        return batch, tags

    def close(self) -> None:
        """Free the renderer's context."""
        self.renderer.close()


def write_shard(path: Path, batch: Batch) -> None:
    """Write ``batch`` to ``path`` atomically (a partial file never has the final name)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.npz")
    np.savez(
        partial, images=batch.images, position=batch.position.astype(np.float32),
        rotation=batch.rotation.astype(np.float32), top_angle=batch.top_angle.astype(np.float32),
    )  # fmt: skip
    os.replace(partial, path)


#: The arrays of a shard, in the order of :class:`Batch`.
_SHARD_FIELDS = ("images", "position", "rotation", "top_angle")


def read_shards(paths: list[Path]) -> Batch:
    """Concatenate shards into one batch.

    The result is allocated once and filled shard by shard, so reading takes the memory of
    the data plus one shard (67,584 renders at 128 px are 10 GB)."""
    if not paths:
        raise CubeError("no dataset shards found; generate them first")
    lengths = [_shard_length(path) for path in paths]
    joined: dict[str, np.ndarray] = {}
    offset = 0
    for path, length in zip(paths, lengths, strict=True):
        shard = _read_shard(path)
        for field in _SHARD_FIELDS:
            array = getattr(shard, field)
            if field not in joined:
                joined[field] = np.empty((sum(lengths), *array.shape[1:]), array.dtype)
            if array.shape[1:] != joined[field].shape[1:] or len(array) != length:
                raise CubeError(f"dataset shard {path} does not match the others ({field})")
            joined[field][offset : offset + length] = array
        offset += length
    return Batch(**joined)


def _read_shard(path: Path) -> Batch:
    try:
        with np.load(path) as shard:
            return Batch(**{key: shard[key] for key in _SHARD_FIELDS})
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise CubeError(f"cannot read dataset shard {path}: {error}") from None


def _shard_length(path: Path) -> int:
    """Samples in the shard at ``path``, from its image array's header alone."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("images.npy") as member:
            major, _ = np.lib.format.read_magic(member)
            read_header = (
                np.lib.format.read_array_header_1_0
                if major == 1
                else np.lib.format.read_array_header_2_0
            )
            shape, _, _ = read_header(member)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise CubeError(f"cannot read dataset shard {path}: {error}") from None
    return int(shape[0])


def missing_shards(config: DatasetConfig, root: Path, split: Split) -> list[int]:
    """Indices of the shards of ``split`` not yet written under ``root``."""
    count = config.train_shards if split == "train" else config.eval_shards
    return [i for i in range(count) if not shard_path(root, split, i).exists()]


def generate(
    config: DatasetConfig, root: Path, split: Split,
    on_shard: Callable[[int], None] | None = None, workers: int = 1,
) -> list[Path]:  # fmt: skip
    """Write every missing shard of ``split`` (on ``workers`` processes); returns all of the
    split's shard paths. Each shard depends only on its own seed, so the result does not
    depend on the number of workers."""
    missing = missing_shards(config, root, split)
    if missing and workers > 1:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            jobs = [pool.submit(_write_shards, config, root, split, missing[w::workers])
                    for w in range(workers)]  # fmt: skip
            pending = set(missing)
            while pending:
                time.sleep(0.5)
                finished = all(job.done() for job in jobs)  # before looking: none missed
                written = pending - set(missing_shards(config, root, split))
                for index in sorted(written):  # report shard indices, as one process does
                    if on_shard is not None:
                        on_shard(index)
                pending -= written
                if finished:
                    for job in jobs:
                        job.result()  # raises a worker's error here
                    break
    elif missing:
        _write_shards(config, root, split, missing, on_shard)
    count = config.train_shards if split == "train" else config.eval_shards
    return [shard_path(root, split, i) for i in range(count)]


def _write_shards(
    config: DatasetConfig, root: Path, split: Split, indices: list[int],
    on_shard: Callable[[int], None] | None = None,
) -> None:  # fmt: skip
    source = RenderSource(config)
    try:
        for index in indices:
            rng = np.random.default_rng(shard_seed(config, split, index))
            write_shard(shard_path(root, split, index), source.batch(config.shard_size, rng))
            if on_shard is not None:
                on_shard(index)
    finally:
        source.close()
