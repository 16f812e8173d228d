"""Losses for training the pose network and the errors it is judged by."""

from __future__ import annotations

import numpy as np
import torch

from cubehand.perception.model import CENTIMETRES, CUBE_ROTATIONS, PoseEstimate, split_outputs

#: Residual heads are trained for every class within this angle of the true rotation, so
#: that a neighbouring class picked near a boundary still has a sensible residual.
RESIDUAL_REACH = np.radians(75.0)


def pose_loss(
    raw: torch.Tensor, position: torch.Tensor, rotation: torch.Tensor, top_angle: torch.Tensor
) -> tuple[torch.Tensor, dict[str, float]]:
    """Sum of a position loss (cm, smooth L1), the orientation class's cross-entropy, the
    residual rotations' squared Frobenius error (classes within reach of the truth) and a
    top-angle loss (squared distance on the unit circle)."""
    out = split_outputs(raw)
    classes = torch.as_tensor(CUBE_ROTATIONS, dtype=rotation.dtype, device=rotation.device)
    # residual_k = R O_k^T; its angle tells how near class k is to the truth.
    targets = torch.einsum("bij,kjl->bkil", rotation, classes.transpose(1, 2))
    cosine = ((targets.diagonal(dim1=2, dim2=3).sum(-1) - 1) / 2).clamp(-1, 1)
    nearest = cosine.argmax(1)
    within = (cosine >= np.cos(RESIDUAL_REACH)).float()
    class_loss = torch.nn.functional.cross_entropy(out.class_logits, nearest)
    squared = ((out.residuals - targets) ** 2).sum((2, 3))
    residual_loss = (squared * within).sum(1).div(within.sum(1)).mean()
    position_loss = torch.nn.functional.smooth_l1_loss(out.position, position * CENTIMETRES)
    circle = torch.stack([torch.cos(top_angle), torch.sin(top_angle)], dim=1)
    angle_loss = ((out.angle - circle) ** 2).sum(1).mean()
    total = position_loss + class_loss + residual_loss + angle_loss
    parts = {"position": position_loss.item(), "class": class_loss.item(),
             "residual": residual_loss.item(), "angle": angle_loss.item()}  # fmt: skip
    return total, parts


def pose_errors(
    estimate: PoseEstimate, position: np.ndarray, rotation: np.ndarray, top_angle: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-sample errors: orientation (deg, geodesic), position (mm), top face angle (deg)."""
    relative = np.einsum("bji,bjk->bik", estimate.rotation, rotation)
    cosine = np.clip((np.trace(relative, axis1=1, axis2=2) - 1.0) / 2.0, -1.0, 1.0)
    angle = np.angle(np.exp(1j * (estimate.top_angle - top_angle)))
    return {
        "orientation_deg": np.degrees(np.arccos(cosine)),
        "position_mm": 1000.0 * np.linalg.norm(estimate.position - position, axis=1),
        "face_angle_deg": np.degrees(np.abs(angle)),
    }


def summarize(errors: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Mean, median and 90th percentile of each error."""
    return {
        name: {
            "mean": float(values.mean()),
            "median": float(np.median(values)),
            "p90": float(np.percentile(values, 90)),
        }
        for name, values in errors.items()
    }
