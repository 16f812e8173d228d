"""What holds the full cube together between and during turns, for a compiled model."""

from __future__ import annotations

import mujoco

from cubehand.sim.cube_params import CubeParams
from cubehand.sim.layer_switch import SwitchedLayers
from cubehand.sim.layer_welds import LayerWelds

#: Both expose ``update(model, data, angles)`` (each control step), ``turning_face``,
#: ``is_rigid``, ``twisting_loads`` and a ``breakaway`` torque that may change.
CubeMechanism = LayerWelds | SwitchedLayers


def cube_mechanism(model: mujoco.MjModel, params: CubeParams) -> CubeMechanism | None:
    """The switch of a full cube built with ``params``; None for a cube without one."""
    if params.switched_layers:
        assert params.weld_breakaway is not None
        return SwitchedLayers.from_model(model, params.weld_release, params.weld_breakaway)
    return LayerWelds.of(model, params)


def reset_mechanism(
    mechanism: CubeMechanism | None, model: mujoco.MjModel, data: mujoco.MjData
) -> None:
    """Before the first step of an episode (or after hinge angles were set by hand): make a
    switched-layer cube rigid with each centre locked at its angle in ``data``
    (:meth:`SwitchedLayers.reset`), so that no lock or shown layer of an earlier episode
    carries over. Other mechanisms have no such reset."""
    if isinstance(mechanism, SwitchedLayers):
        mechanism.reset(model, data)
