"""The randomization registry: well-formed data, seeded sampling, exact application."""

import mujoco
import numpy as np
import pytest

from cubehand.sim.randomization import (
    PARAMETERS,
    PhysicsRandomizer,
    check_range,
    nominal_ranges,
    nominal_values,
    sample_values,
)
from cubehand.sim.scene import SceneConfig, build_scene

FIELDS = {
    "contact_friction": "geom_friction", "hand_mass": "body_mass", "hand_damping": "dof_damping",
    "hand_armature": "dof_armature", "actuator_gain": "actuator_gainprm",
    "actuator_force": "actuator_forcerange", "cube_mass": "body_mass",
    "cube_inertia": "body_inertia", "face_friction": "dof_frictionloss",
    "face_detent": "actuator_forcerange",
}  # fmt: skip


def test_registry_covers_the_paper_categories_once():
    names = [p.name for p in PARAMETERS]
    assert len(names) == len(set(names))
    for required in ("contact_friction", "cube_mass", "cube_size", "hand_damping",
                     "hand_armature", "actuator_gain", "actuator_force", "face_friction",
                     "gravity", "timestep", "action_latency", "action_noise", "obs_noise",
                     "obs_bias"):  # fmt: skip
        assert required in names


def test_sampling_is_seeded_and_inside_ranges():
    ranges = {p.name: p.limits for p in PARAMETERS}
    first = sample_values(ranges, np.random.default_rng(1))
    assert first == sample_values(ranges, np.random.default_rng(1))
    assert first != sample_values(ranges, np.random.default_rng(2))
    for parameter in PARAMETERS:
        low, high = parameter.limits
        assert low <= first[parameter.name] <= high


def test_zero_width_ranges_give_nominal_values():
    assert sample_values(nominal_ranges(), np.random.default_rng(0)) == nominal_values()


def test_bad_ranges_are_refused():
    with pytest.raises(ValueError, match="unknown randomized parameter"):
        check_range("wobble", (0, 1))
    with pytest.raises(ValueError, match="within"):
        check_range("cube_mass", (0.1, 1.0))
    with pytest.raises(ValueError, match="ordered"):
        check_range("cube_mass", (1.2, 1.1))


@pytest.fixture(scope="module")
def scene():
    return build_scene(SceneConfig(cube="full"))


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_each_model_parameter_scales_its_field_and_only_it(scene, name):
    model = scene.model
    before = {field: np.array(getattr(model, field), copy=True) for field in set(FIELDS.values())}
    randomizer = PhysicsRandomizer(model)
    randomizer.apply({name: 1.5})
    try:
        changed = getattr(model, FIELDS[name])
        ratio = changed[before[FIELDS[name]] != 0] / before[FIELDS[name]][before[FIELDS[name]] != 0]
        assert np.any(np.isclose(ratio, 1.5))
        assert np.all(np.isclose(ratio, 1.5) | np.isclose(ratio, 1.0))
        for field, old in before.items():
            if field != FIELDS[name]:
                assert np.array_equal(getattr(model, field), old), field
    finally:
        randomizer.apply(nominal_values())
    for field, old in before.items():
        assert np.array_equal(getattr(model, field), old)


def test_option_parameters(scene):
    model = scene.model
    randomizer = PhysicsRandomizer(model)
    timestep, gravity = model.opt.timestep, model.opt.gravity.copy()
    randomizer.apply({"timestep": 1.1, "gravity": 0.9})
    assert np.isclose(model.opt.timestep, timestep * 1.1)
    assert np.isclose(model.opt.gravity[2], gravity[2] * 0.9)
    randomizer.apply({})
    assert model.opt.timestep == timestep and np.array_equal(model.opt.gravity, gravity)


def test_randomized_physics_still_steps(scene):
    model = scene.model
    randomizer = PhysicsRandomizer(model)
    ranges = {p.name: p.limits for p in PARAMETERS if p.target == "model"}
    try:
        randomizer.apply(sample_values(ranges, np.random.default_rng(3)))
        data = mujoco.MjData(model)
        mujoco.mj_step(model, data, nstep=50)
        assert np.all(np.isfinite(data.qpos))
    finally:
        randomizer.apply(nominal_values())
