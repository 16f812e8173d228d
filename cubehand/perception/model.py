"""The pose network: one convolutional trunk shared by the three cameras, a fused head.

Outputs, all in the world frame: the cube centre relative to the cameras' target point (in
centimetres, a well-scaled regression target); the cube orientation as one of the cube's 24
axis-aligned rotations (a classification: which colour faces where) followed by a residual
world rotation per class as a 6D rotation (the first two matrix columns, made orthonormal by
Gram-Schmidt: continuous, no quaternion sign ambiguity); and the top face angle as
(cos, sin), absolute over a full turn thanks to the centre marks.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from cubehand.sim.constants import VISION_CAMERAS

CENTIMETRES = 100.0


def _cube_rotations() -> np.ndarray:
    """The 24 rotations that map the cube's axes onto the world axes (signed permutations)."""
    found = []
    for permutation in itertools.permutations(range(3)):
        for signs in itertools.product((1.0, -1.0), repeat=3):
            matrix = np.zeros((3, 3))
            matrix[range(3), permutation] = signs
            if np.linalg.det(matrix) > 0:
                found.append(matrix)
    return np.array(found)


#: The orientation classes: rotation ``k`` maps cube axes to world axes exactly.
CUBE_ROTATIONS = _cube_rotations()
CLASSES = len(CUBE_ROTATIONS)
OUTPUTS = 3 + CLASSES + CLASSES * 6 + 2


class VisionConfig(BaseModel):
    """Sizes of the pose network."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resolution: int = Field(96, ge=32, le=256)
    channels: tuple[int, ...] = Field((32, 48, 64, 96, 128), min_length=2)
    view_features: int = Field(256, ge=8, description="features per camera after the trunk")
    hidden: int = Field(512, ge=8, description="width of the fused head")
    extra_convs: int = Field(
        0, ge=0, le=3, description="stride-1 3x3 convolutions after each downsampling one"
    )


@dataclass
class PoseEstimate:
    """Decoded network outputs for a batch (world frame)."""

    position: np.ndarray  # (B, 3) m, relative to the camera target point
    rotation: np.ndarray  # (B, 3, 3) cube to world
    top_angle: np.ndarray  # (B,) rad in (-pi, pi]


class PoseNet(nn.Module):
    """Three images of one moment to the cube's pose and top face angle."""

    def __init__(self, config: VisionConfig) -> None:
        super().__init__()
        self.config = config
        layers: list[nn.Module] = []
        previous = 3
        for channels in config.channels:
            for stride in (2,) + (1,) * config.extra_convs:
                layers += [
                    nn.Conv2d(previous, channels, 3, stride=stride, padding=1),
                    nn.BatchNorm2d(channels),
                    nn.ReLU(inplace=True),
                ]
                previous = channels
        self.trunk = nn.Sequential(*layers)
        side = config.resolution
        for _ in config.channels:
            side = (side + 1) // 2
        self.view = nn.Sequential(
            nn.Flatten(), nn.Linear(previous * side * side, config.view_features), nn.ReLU()
        )
        self.head = nn.Sequential(
            nn.Linear(len(VISION_CAMERAS) * config.view_features, config.hidden),
            nn.ReLU(),
            nn.Linear(config.hidden, OUTPUTS),
        )

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Raw outputs (B, OUTPUTS) for uint8 images (B, cameras, H, W, 3)."""
        batch, cameras = images.shape[:2]
        x = images.reshape(batch * cameras, *images.shape[2:]).permute(0, 3, 1, 2)
        x = x.float() / 255.0 - 0.5
        features = self.view(self.trunk(x)).reshape(batch, -1)
        return self.head(features)


def rotation_from_6d(raw: torch.Tensor) -> torch.Tensor:
    """(B, 6) to (B, 3, 3) rotation matrices whose first two columns follow ``raw``."""
    a, b = raw[:, :3], raw[:, 3:]
    x = nn.functional.normalize(a, dim=1)
    y = nn.functional.normalize(b - (x * b).sum(1, keepdim=True) * x, dim=1)
    z = torch.cross(x, y, dim=1)
    return torch.stack([x, y, z], dim=2)


class Outputs(NamedTuple):
    """Raw outputs split by meaning."""

    position: torch.Tensor  # (B, 3) cm
    class_logits: torch.Tensor  # (B, 24)
    residuals: torch.Tensor  # (B, 24, 3, 3) world rotation applied after each class
    angle: torch.Tensor  # (B, 2) unnormalized (cos, sin) of the top face angle


def split_outputs(raw: torch.Tensor) -> Outputs:
    """Split raw network outputs."""
    batch = raw.shape[0]
    residual_6d = raw[:, 3 + CLASSES : 3 + CLASSES * 7].reshape(batch * CLASSES, 6)
    return Outputs(
        position=raw[:, :3],
        class_logits=raw[:, 3 : 3 + CLASSES],
        residuals=rotation_from_6d(residual_6d).reshape(batch, CLASSES, 3, 3),
        angle=raw[:, -2:],
    )


def decode(raw: torch.Tensor) -> PoseEstimate:
    """Raw outputs to a :class:`PoseEstimate` in SI units: the likeliest class, turned by
    its residual."""
    out = split_outputs(raw.detach().cpu())
    best = out.class_logits.argmax(1)
    residual = out.residuals[torch.arange(len(best)), best].numpy().astype(np.float64)
    rotation = residual @ CUBE_ROTATIONS[best.numpy()]
    return PoseEstimate(
        position=(out.position / CENTIMETRES).numpy().astype(np.float64),
        rotation=rotation,
        top_angle=torch.atan2(out.angle[:, 1], out.angle[:, 0]).numpy().astype(np.float64),
    )
