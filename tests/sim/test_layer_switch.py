"""The switched-layer cube: rigid until a layer is twisted, then that layer turns alone."""

import mujoco
import numpy as np

from cubehand.sim.cube_full import add_full_cube
from cubehand.sim.cube_mechanism import cube_mechanism
from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_parts import detent_name, detent_targets, hinge_name
from cubehand.sim.cube_switched import HIDDEN_GROUP, whole_name
from cubehand.sim.layer_switch import SwitchedLayers
from cubehand.sim.scene import set_physics_options
from cubehand.solver.facelets import FACES
from cubehand.solver.state import CubeState

from .cube_rig import SUBSTEPS, TIMESTEP, CubeRig


def test_the_default_full_cube_is_switched_and_has_few_joints():
    rig = CubeRig()
    assert isinstance(rig.welds, SwitchedLayers)
    assert rig.model.nv == 6  # the six centre hinges (the rig holds the core)
    assert rig.model.neq == 6 and rig.welds.is_rigid(rig.data)


def test_a_layer_breaks_away_above_the_torque_and_locks_at_alignment():
    rig = CubeRig()
    rig.drive({"U": -0.02}, 1.0)
    assert rig.welds.is_rigid(rig.data) and abs(rig.angle("U")) < 0.005
    loads = rig.welds.twisting_loads(rig.model, rig.data)
    assert abs(loads[0] + 0.02) < 0.002  # the motor's torque, held by the U lock
    assert np.all(np.abs(loads[1:]) < 1e-3)
    rig.drive({"U": -0.05}, 2.0)
    assert rig.angle("U") < -1.5 and np.all(np.abs(rig.angles()[1:]) < 1e-3)
    rig.drive({}, 1.2)
    assert rig.welds.is_rigid(rig.data)
    # The motor kept turning it past several quarter turns; it locked at the last.
    lock = rig.welds.locks[0]
    assert rig.model.eq_data[lock, 0] == np.round(rig.angle("U") / (np.pi / 2)) * np.pi / 2
    whole = rig.model.geom(whole_name()).id
    assert rig.model.geom_contype[whole] != 0
    assert np.all(rig.model.geom_contype[rig.welds.layers[0].boxes] == 0)


def test_a_reset_under_a_turning_layer_puts_the_cube_back_together():
    rig = CubeRig()
    rig.welds.start_turn(rig.model, rig.data, 2)
    layer = rig.welds.layers[2]
    assert np.all(rig.model.geom_group[layer.core_geoms] == HIDDEN_GROUP)
    assert np.all(rig.model.geom_contype[layer.boxes] != 0)
    mujoco.mj_resetData(rig.model, rig.data)
    rig.drive({}, 0.08)
    assert rig.welds.is_rigid(rig.data) and rig.welds.shown is None
    np.testing.assert_array_equal(rig.model.geom_group[layer.core_geoms], layer.core_groups)
    assert np.all(rig.model.geom_contype[layer.boxes] == 0)


def test_recoloured_stickers_reach_the_turning_layers_copies():
    rig = CubeRig()
    rig.data.qpos[rig.welds.hinge_qpos[0]] = np.pi / 2  # U starts a quarter turn round
    rig.welds.start_turn(rig.model, rig.data, 0)
    rig.data.qpos[rig.welds.hinge_qpos[0]] += 0.7  # turned on, nearer the next quarter
    layer = rig.welds.layers[0]
    under = layer.slots[1]  # the core stickers the copies stood on when the turn started
    np.testing.assert_array_equal(
        rig.model.geom_rgba[layer.copy_stickers], rig.model.geom_rgba[under]
    )
    rig.model.geom_rgba[under, :3] = 0.25  # such as a visual tint
    rig.welds.copy_colours(rig.model)
    assert np.all(rig.model.geom_rgba[layer.copy_stickers, :3] == 0.25)
    assert rig.welds.shown == 0 and rig.welds.shown_turns == 1


def _finger_rig(
    push: float, seconds: float
) -> tuple[mujoco.MjModel, mujoco.MjData, SwitchedLayers]:
    """A fixed cube and a sphere on a slide pressing on the R face at the URB corner, along
    -x with ``push`` newtons: a torque of push x pitch about +z (U's axis) and about -y (B's)."""
    params = CubeParams()
    spec = mujoco.MjSpec()
    set_physics_options(spec, TIMESTEP)
    spec.option.gravity = [0, 0, 0]
    add_full_cube(spec.worldbody, spec, CubeState.solved(), params, pos=(0, 0, 0), free=False)
    radius = 0.005
    finger = spec.worldbody.add_body(
        name="finger", pos=[1.5 * params.size / 3 + radius + 0.001, params.pitch, params.pitch]
    )
    finger.add_joint(name="slide", type=mujoco.mjtJoint.mjJNT_SLIDE, axis=[1, 0, 0], damping=50.0)
    # Frictionless (condim 1), so that the push is the normal force alone.
    finger.add_geom(type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[radius, 0, 0], mass=0.01, condim=1)
    motor = spec.add_actuator(name="push", target="slide", trntype=mujoco.mjtTrn.mjTRN_JOINT)
    motor.set_to_motor()
    model = spec.compile()
    data = mujoco.MjData(model)
    switch = cube_mechanism(model, params)
    assert isinstance(switch, SwitchedLayers)
    hinges = model.jnt_qposadr[[model.joint(hinge_name(f)).id for f in FACES]]
    detents = [model.actuator(detent_name(f)).id for f in FACES]
    for _ in range(int(round(seconds / (TIMESTEP * SUBSTEPS)))):
        data.ctrl[detents] = detent_targets(data.qpos[hinges])
        switch.update(model, data, data.qpos[hinges])
        data.ctrl[model.actuator("push").id] = -push
        mujoco.mj_step(model, data, nstep=SUBSTEPS)
    return model, data, switch


def test_contacts_on_a_layer_twist_it_and_a_hard_push_turns_the_upper_one():
    model, data, switch = _finger_rig(1.0, 0.5)
    loads = switch.twisting_loads(model, data)
    pitch = CubeParams().pitch
    assert switch.is_rigid(data)
    assert abs(loads[FACES.index("U")] - pitch) < 0.3 * pitch  # 1 N at one pitch
    assert abs(loads[FACES.index("B")] + pitch) < 0.3 * pitch
    assert np.all(np.abs(loads[[1, 2, 3, 4]]) < 0.1 * pitch)
    model, data, switch = _finger_rig(3.0, 0.5)  # past the breakaway torque: a tie, the
    # upper layer (U) turns
    angles = data.qpos[model.jnt_qposadr[[model.joint(hinge_name(f)).id for f in FACES]]]
    assert angles[FACES.index("U")] > 0.1  # counter-clockwise, as the torque
    assert np.all(np.abs(np.delete(angles, FACES.index("U"))) < 1e-3)
