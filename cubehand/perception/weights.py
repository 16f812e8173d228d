"""Saving and loading the pose network's weights (safetensors, config in the metadata)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from cubehand.perception.model import PoseNet, VisionConfig
from cubehand.solver.errors import CubeError

#: The weights the CLI uses by default.
SHIPPED_VISION_WEIGHTS = Path(__file__).parent / "weights" / "vision.safetensors"


def save_vision(network: PoseNet, path: Path, info: dict[str, Any] | None = None) -> None:
    """Write ``network`` with its config (and ``info``) as metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"network": network.config.model_dump_json(), "info": json.dumps(info or {})}
    partial = path.with_name(path.name + ".partial")
    tensors = {k: v.detach().cpu().contiguous() for k, v in network.state_dict().items()}
    save_file(tensors, str(partial), metadata=metadata)
    partial.replace(path)


def vision_info(path: Path) -> dict[str, Any]:
    """The ``info`` stored with the weights (empty if none or unreadable)."""
    try:
        with safe_open(str(path), framework="pt") as handle:
            return json.loads((handle.metadata() or {}).get("info", "{}"))
    except (SafetensorError, OSError, ValueError):
        return {}


def load_vision(path: Path) -> PoseNet:
    """The pose network stored at ``path``, in evaluation mode.

    Raises:
        CubeError: if the file is missing, unreadable, or does not fit the network.
    """
    if not path.is_file():
        hint = (
            " (no vision weights ship yet; pass --weights)"
            if path == SHIPPED_VISION_WEIGHTS
            else ""
        )
        raise CubeError(f"vision weights {path} do not exist{hint}")
    try:
        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
        config = VisionConfig.model_validate_json(metadata.get("network", "{}"))
        weights = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as error:
        raise CubeError(f"cannot read vision weights {path}: {str(error)[:100]}") from None
    network = PoseNet(config)
    try:
        network.load_state_dict(weights)
    except RuntimeError:
        raise CubeError(f"vision weights {path} do not fit the pose network") from None
    return network.eval()
