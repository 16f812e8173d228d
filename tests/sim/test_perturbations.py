"""Every perturbation on every cube model: builds, steps, is seeded, and does what it says."""

import mujoco
import numpy as np
import pytest

from cubehand.sim.env import ACTION_BINS, CubeEnv, EnvConfig
from cubehand.sim.perturbations import PERTURBATIONS, TIED_JOINTS, apply_to_spec
from cubehand.sim.scene import SceneConfig, build_scene
from cubehand.sim.stepping import control_step, rest_ctrl

NO_OP = np.full(20, (ACTION_BINS - 1) // 2)


def _env(cube, name):
    return CubeEnv(EnvConfig(scene=SceneConfig(cube=cube, perturbation=name)))


@pytest.mark.parametrize("cube", ["locked", "full"])
@pytest.mark.parametrize("name", PERTURBATIONS)
def test_builds_steps_and_is_seeded(cube, name):
    env = _env(cube, name)
    runs = []
    for _ in range(2):
        env.reset(seed=7)
        rng = np.random.default_rng(7)
        for _ in range(12):
            obs, *_ = env.step(rng.integers(0, ACTION_BINS, 20))
        assert all(np.all(np.isfinite(v)) for v in obs.values())
        runs.append(env.data.qpos.copy())
    assert np.array_equal(runs[0], runs[1])


def test_tied_fingers_move_together():
    scene = build_scene(SceneConfig(cube="locked", perturbation="tied-fingers"))
    data = mujoco.MjData(scene.model)
    ctrl = rest_ctrl(scene)
    names = [scene.model.actuator(a).name for a in scene.hand_actuators]
    ctrl[names.index("robot0:A_MFJ2")] = 1.2  # bend the middle finger only
    for _ in range(25):
        control_step(scene, data, ctrl)
    for first, second in TIED_JOINTS:
        a = data.qpos[scene.model.joint(first).qposadr[0]]
        b = data.qpos[scene.model.joint(second).qposadr[0]]
        assert abs(a - b) < 0.05, (first, a, b)
    bent = data.qpos[scene.model.joint("robot0:RFJ2").qposadr[0]]
    assert bent > 0.3  # the ring finger was pulled along


def test_glove_thickens_and_roughens_the_fingers():
    plain = build_scene(SceneConfig(cube="locked")).model
    gloved = build_scene(SceneConfig(cube="locked", perturbation="glove")).model
    geom = "robot0:C_ffdistal"
    assert np.isclose(gloved.geom(geom).size[0], plain.geom(geom).size[0] + 0.0015)
    assert np.isclose(gloved.geom(geom).friction[0], 1.5 * plain.geom(geom).friction[0])
    joint = "robot0:FFJ2"
    assert np.isclose(gloved.dof_damping[gloved.joint(joint).dofadr[0]],
                      3 * plain.dof_damping[plain.joint(joint).dofadr[0]])  # fmt: skip


@pytest.mark.parametrize("name", ["plush", "pen-poke"])
def test_moving_perturbations_touch_the_cube(name):
    env = _env("locked", name)
    env.reset(seed=0)
    model = env.scene.model
    ours = {g for g in range(model.ngeom) if model.geom(g).name.startswith("perturb:")}
    cube = {g for g in range(model.ngeom) if model.geom(g).name.startswith("cube:")}
    first_event = env.perturbation.events[0][0]
    touched = False
    for _ in range(int((first_event + 2.0) / env.scene.config.control_dt)):
        env.step(NO_OP)
        for contact in env.data.contact[: env.data.ncon]:
            pair = {contact.geom1, contact.geom2}
            touched |= bool(pair & ours) and bool(pair & cube)
    assert touched


def test_unknown_perturbation_is_refused():
    with pytest.raises(ValueError, match="unknown perturbation"):
        apply_to_spec(mujoco.MjSpec(), "blanket")
