"""The pose estimator that a control loop calls with the three camera images each step."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import mujoco
import numpy as np
import torch

from cubehand.perception.model import PoseEstimate, decode
from cubehand.perception.weights import SHIPPED_VISION_WEIGHTS, load_vision
from cubehand.sim.constants import VISION_CAMERAS
from cubehand.sim.render import make_renderer, render_views
from cubehand.sim.scene import CUBE_REST
from cubehand.solver.errors import CubeError


class PoseEstimator:
    """Cube position, orientation and top face angle (world frame) from three images.

    Args:
        weights: a safetensors file written by vision training (default: shipped weights).
    """

    def __init__(self, weights: Path = SHIPPED_VISION_WEIGHTS) -> None:
        self.network = load_vision(weights)
        self.resolution = self.network.config.resolution

    @torch.no_grad()
    def estimate(self, images: Mapping[str, np.ndarray]) -> PoseEstimate:
        """One estimate from ``{camera name: H x W x 3 uint8}`` for the three vision cameras.

        Raises:
            CubeError: if a camera is missing or an image has the wrong size.
        """
        expected = (self.resolution, self.resolution, 3)
        stack = []
        for camera in VISION_CAMERAS:
            if camera not in images:
                raise CubeError(f"no image from camera {camera!r}")
            image = np.asarray(images[camera])
            if image.shape != expected or image.dtype != np.uint8:
                raise CubeError(
                    f"camera {camera!r}: expected a {expected} uint8 image, got "
                    f"{image.shape} {image.dtype}"
                )
            stack.append(image)
        return decode(self.network(torch.from_numpy(np.stack(stack)[None])))


class RenderedPoseSource:
    """Renders the three vision cameras of a running scene and estimates the cube's pose:
    what :attr:`cubehand.sim.env.CubeEnv.pose_source` expects (world position, rotation)."""

    def __init__(self, estimator: PoseEstimator) -> None:
        self.estimator = estimator
        self._renderer: mujoco.Renderer | None = None
        self._model: mujoco.MjModel | None = None

    def __call__(self, model: mujoco.MjModel, data: mujoco.MjData) -> tuple[np.ndarray, np.ndarray]:
        if self._model is not model:
            self.close()
            size = self.estimator.resolution
            self._renderer, self._model = make_renderer(model, size), model
        estimate = self.estimator.estimate(render_views(self._renderer, data, VISION_CAMERAS))
        return CUBE_REST + estimate.position[0], estimate.rotation[0]

    def close(self) -> None:
        """Free the renderer."""
        if self._renderer is not None:
            self._renderer.close()
            self._renderer, self._model = None, None
