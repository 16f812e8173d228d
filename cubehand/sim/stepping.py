"""Control steps: hand targets in, physics substeps with the cube's detents, data out."""

from __future__ import annotations

import mujoco
import numpy as np

from cubehand.sim.cube_parts import detent_targets
from cubehand.sim.scene import Scene


def hand_ctrl_range(scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper joint targets of the 20 hand actuators."""
    return scene.hand_ctrl_low, scene.hand_ctrl_high


def rest_ctrl(scene: Scene) -> np.ndarray:
    """Hand targets of the resting pose: joints at zero (straight fingers, flat palm).

    At mid-range instead, the fingers curl over the cube and turn its top layer.
    """
    low, high = hand_ctrl_range(scene)
    return np.clip(np.zeros(len(low)), low, high)


def set_controls(scene: Scene, data: mujoco.MjData, hand_ctrl: np.ndarray) -> None:
    """Set the hand's joint targets, aim each face detent at its nearest quarter turn and
    engage or release the full cube's layer welds."""
    data.ctrl[scene.hand_actuators] = np.clip(hand_ctrl, scene.hand_ctrl_low, scene.hand_ctrl_high)
    angles = data.qpos[scene.hinge_qpos]
    data.ctrl[scene.detent_actuators] = detent_targets(angles)
    if scene.mechanism is not None:
        scene.mechanism.update(scene.model, data, angles)


def run_substeps(scene: Scene, data: mujoco.MjData) -> None:
    """The physics of one control step (MuJoCo releases the GIL while it runs)."""
    mujoco.mj_step(scene.model, data, nstep=scene.config.substeps)


def control_step(scene: Scene, data: mujoco.MjData, hand_ctrl: np.ndarray) -> None:
    """One control step: set the controls, then run the substeps."""
    set_controls(scene, data, hand_ctrl)
    run_substeps(scene, data)


def settle(scene: Scene, data: mujoco.MjData, seconds: float = 1.5) -> None:
    """Let the cube come to rest on the palm with the hand in its resting pose."""
    ctrl = rest_ctrl(scene)
    for _ in range(int(round(seconds / scene.config.control_dt))):
        control_step(scene, data, ctrl)


#: MuJoCo's warnings for a blow-up, after which it resets the physics by itself.
_BLOW_UP_WARNINGS = [
    int(w) for w in (mujoco.mjtWarning.mjWARN_BADQPOS, mujoco.mjtWarning.mjWARN_BADQVEL,
                     mujoco.mjtWarning.mjWARN_BADQACC)
]  # fmt: skip


def blew_up(data: mujoco.MjData) -> bool:
    """Whether the physics became unstable (MuJoCo then resets it by itself)."""
    return any(data.warning[w].number for w in _BLOW_UP_WARNINGS)
