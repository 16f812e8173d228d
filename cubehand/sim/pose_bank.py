"""Banks of hand-and-cube poses: where one policy's goals left the cube, for another to start from.

A rotation in a solve starts where a flip left the cube, farther off its place than
``EnvConfig.start_offset`` reaches. ``cubehand train poses`` records the poses after a
policy's met goals as the next goal finds them (after the hand has opened, where it opens
between goals), on training seeds, or on evaluation seeds for a bank that only evaluations
use; training (``EnvConfig.bank_restarts``) and evaluation (``eval policy --start-bank``)
start episodes from them. A bank is a NumPy ``.npz`` of the
:class:`~cubehand.sim.goal_pose.GoalPose` fields, one row per pose.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from cubehand.sim.goal_pose import GoalPose, stack_poses, unstack_poses
from cubehand.solver.errors import CubeError


class PoseBankError(CubeError):
    """A pose bank that is missing, unreadable or made for another hand."""


def save_pose_bank(poses: Sequence[GoalPose], path: Path) -> None:
    """Write ``poses`` (at least one) to ``path`` (an ``.npz``; its folder must exist)."""
    if not poses:
        raise PoseBankError(f"no poses to write to {path}: no goal of that kind was met")
    with path.open("wb") as handle:
        np.savez(handle, **stack_poses(poses))


def load_pose_bank(path: Path, joints: int, targets: int) -> list[GoalPose]:
    """The poses in ``path``, checked against a hand of ``joints`` joints and ``targets``
    actuators.

    Raises:
        PoseBankError: naming what is wrong with the file.
    """
    if not path.is_file():
        raise PoseBankError(f"pose bank {path} does not exist")
    try:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {name: np.asarray(stored[name], dtype=float) for name in stored.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise PoseBankError(f"pose bank {path} is not a readable .npz: {error}") from None
    missing = [field for field in GoalPose._fields if field not in arrays]
    if missing:
        raise PoseBankError(f"pose bank {path} lacks the array {missing[0]!r}")
    widths = {"joints": joints, "joint_speeds": joints, "targets": targets, "cube": 7}
    count = len(arrays["joints"])
    for field, width in widths.items():
        if arrays[field].shape != (count, width):
            raise PoseBankError(
                f"pose bank {path}: {field} has shape {arrays[field].shape}, "
                f"this hand needs ({count}, {width})"
            )
    if count == 0:
        raise PoseBankError(f"pose bank {path} holds no poses")
    if not all(np.isfinite(array).all() for array in arrays.values()):
        raise PoseBankError(f"pose bank {path} holds values that are not finite")
    return unstack_poses(arrays)
