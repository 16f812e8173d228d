"""Headless rendering of the scene's cameras (EGL on Linux without a display)."""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.constants import VIEW_CAMERA, VISION_CAMERAS
from cubehand.solver.errors import CubeError


def make_renderer(model: mujoco.MjModel, size: int) -> mujoco.Renderer:
    """An offscreen renderer of ``size`` x ``size`` pixels.

    Raises:
        CubeError: if no OpenGL context can be made (headless without ``MUJOCO_GL=egl``).
    """
    try:
        return mujoco.Renderer(model, size, size)
    except mujoco.FatalError as error:
        raise CubeError(
            "cannot render: no OpenGL context; without a display set MUJOCO_GL=egl before "
            f"mujoco is first imported ({' '.join(str(error).split())[:80]})"
        ) from None


def render_views(
    renderer: mujoco.Renderer, data: mujoco.MjData, cameras: tuple[str, ...]
) -> dict[str, np.ndarray]:
    """RGB images (uint8) from each named camera, with a renderer that is kept open."""
    images = {}
    for camera in cameras:
        renderer.update_scene(data, camera=camera)
        images[camera] = renderer.render().copy()
    return images


def render_cameras(
    model: mujoco.MjModel, data: mujoco.MjData, cameras: tuple[str, ...], size: int
) -> dict[str, np.ndarray]:
    """RGB images (size x size x 3, uint8) from each named camera, with a new renderer.

    Raises:
        CubeError: if no OpenGL context can be made (headless without ``MUJOCO_GL=egl``).
    """
    with make_renderer(model, size) as renderer:
        return render_views(renderer, data, cameras)


def contact_sheet(model: mujoco.MjModel, data: mujoco.MjData, size: int = 256) -> np.ndarray:
    """The viewing camera large, with the three vision cameras in a column beside it."""
    small = size // 3
    view = render_cameras(model, data, (VIEW_CAMERA,), size)[VIEW_CAMERA]
    column = np.concatenate(list(render_cameras(model, data, VISION_CAMERAS, small).values()))
    column = np.pad(column, ((0, size - column.shape[0]), (0, 0), (0, 0)), constant_values=255)
    return np.concatenate([view, column], axis=1)
