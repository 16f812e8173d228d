"""The Shadow Hand MJCF that gymnasium-robotics ships, found without importing the package."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from cubehand.solver.errors import CubeError


class MissingAssetsError(CubeError):
    """The Shadow Hand assets are not installed."""


def shadow_hand_scene_file() -> Path:
    """Path of gymnasium-robotics' hand-and-block scene, whose hand we reuse.

    The package is located without importing it (its import registers environments and
    prints warnings).

    Raises:
        MissingAssetsError: if gymnasium-robotics is not installed.
    """
    spec = importlib.util.find_spec("gymnasium_robotics")
    if spec is None or not spec.submodule_search_locations:
        raise MissingAssetsError(
            "the Shadow Hand model comes from gymnasium-robotics, which is not installed: "
            "pip install gymnasium-robotics"
        )
    path = Path(spec.submodule_search_locations[0]) / "envs/assets/hand/manipulate_block.xml"
    if not path.is_file():
        raise MissingAssetsError(f"gymnasium-robotics is installed but {path} is missing")
    return path
