"""A picture of what the pose network sees and says: renders with true and predicted poses.

Each row is one held-out sample: the three camera images, enlarged, with the cube's axes
projected from the true pose (thin, white outline) and from the network's estimate (thick,
coloured: x red, y green, z blue), and the true and predicted top face angle.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from cubehand.perception.dataset import DatasetConfig, RenderSource, shard_seed
from cubehand.perception.model import PoseNet, decode
from cubehand.sim.constants import VISION_CAMERAS
from cubehand.sim.scene import CUBE_REST

AXIS_COLOURS = ((230, 40, 40), (40, 200, 40), (40, 90, 240))
SCALE = 3


def project(
    point: np.ndarray, camera_position: np.ndarray, camera_matrix: np.ndarray, fovy_deg: float,
    size: int,
) -> tuple[float, float]:  # fmt: skip
    """Pixel (column, row) of a world point in a MuJoCo camera (looking along its -z)."""
    local = camera_matrix.T @ (point - camera_position)
    focal = 0.5 * size / np.tan(np.radians(fovy_deg) / 2)
    depth = max(-local[2], 1e-6)
    return 0.5 * size + focal * local[0] / depth, 0.5 * size - focal * local[1] / depth


def example_grid(network: PoseNet, config: DatasetConfig, rows: int, out: Path) -> Path:
    """Write a PNG of ``rows`` held-out samples (drawn as ``config`` says, from its first
    evaluation seed) with true and predicted poses drawn."""
    source = RenderSource(config)
    rng = np.random.default_rng(shard_seed(config, "eval", 0))
    model = source.scene.model
    cameras = [model.camera(name).id for name in VISION_CAMERAS]
    tiles = []
    try:
        for (images, label), _ in zip(source.samples(rng), range(rows), strict=False):
            data = source.sampler.data
            with torch.no_grad():
                estimate = decode(network(torch.from_numpy(images[None])))
            length = 0.045
            row = []
            for view, camera in enumerate(cameras):
                pose = (data.cam_xpos[camera], data.cam_xmat[camera].reshape(3, 3),
                        float(model.cam_fovy[camera]), config.resolution)  # fmt: skip
                tile = Image.fromarray(images[view]).resize(
                    (config.resolution * SCALE,) * 2, Image.Resampling.NEAREST
                )
                draw = ImageDraw.Draw(tile)
                for position, rotation, width, colours in (
                    (label.position, label.rotation, 1, [(255, 255, 255)] * 3),
                    (estimate.position[0], estimate.rotation[0], 3, AXIS_COLOURS),
                ):
                    centre = CUBE_REST + position
                    start = np.array(project(centre, *pose)) * SCALE
                    for axis in range(3):
                        end = np.array(project(centre + length * rotation[:, axis], *pose))
                        draw.line([*start, *(end * SCALE)], fill=colours[axis], width=width)
                if view == 0:
                    draw.text(
                        (4, 4),
                        f"top angle true {np.degrees(label.top_angle):.0f} "
                        f"pred {np.degrees(estimate.top_angle[0]):.0f} deg",
                        fill=(255, 255, 255),
                    )
                row.append(np.asarray(tile))
            tiles.append(np.concatenate(row, axis=1))
    finally:
        source.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.concatenate(tiles, axis=0)).save(out)
    return out
