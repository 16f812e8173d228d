"""The subgoal environment on both cube models (driven by test forces, never a policy)."""

import mujoco
import numpy as np
import pytest

from cubehand.sim.cube_reader import is_dropped, read_facelets
from cubehand.sim.env import ACTION_BINS, CubeEnv, EnvConfig
from cubehand.sim.goals import Goal
from cubehand.sim.hand_frame import (
    HOME_IN_HAND,
    face_tilt,
    hand_rotation,
    home_symmetry,
    rotation_bringing_up,
    rotation_quaternion,
    squared,
    up_face,
    yaw_off_square,
)
from cubehand.sim.pose_bank import save_pose_bank
from cubehand.sim.randomization import PARAMETERS
from cubehand.sim.scene import SceneConfig
from cubehand.sim.start_yaws import start_yaw_key
from cubehand.sim.stepping import control_step, rest_ctrl, settle
from cubehand.skills.scheduler import schedule_minimal
from cubehand.solver.facelets import FACE_NORMALS
from cubehand.solver.moves import parse_moves
from cubehand.solver.orientation import Orientation, matrix_to_quaternion
from cubehand.solver.state import CubeState

NO_OP = np.full(20, (ACTION_BINS - 1) // 2)


def make_env(cube, start_pose="flat", **ranges):
    # Tests that push faces with test forces start flat, so the fingers stay off the cube.
    config = EnvConfig(scene=SceneConfig(cube=cube), start_pose=start_pose)
    return CubeEnv(config, ranges=ranges or None)


def test_mid_start_pose_aims_every_joint_at_mid_range():
    env = make_env("locked", start_pose="mid")
    env.reset(seed=0)
    middle = (env.scene.hand_ctrl_low + env.scene.hand_ctrl_high) / 2
    assert np.allclose(env.target, middle)


@pytest.fixture(scope="module", params=["locked", "full"])
def env(request):
    return make_env(request.param)


def _rollout(env, seed, steps=15):
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed)
    trace = [obs]
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(rng.integers(0, ACTION_BINS, 20))
        trace.append(obs | {"reward": np.array([reward])})
        if terminated or truncated:
            break
    return trace


def test_observations_fit_the_space_and_are_finite(env):
    for obs in _rollout(env, seed=1):
        for name, space in env.observation_space.spaces.items():
            assert obs[name].shape == space.shape
            assert np.all(np.isfinite(obs[name]))


def test_same_seed_same_episode(env):
    first, again, other = _rollout(env, 2), _rollout(env, 2), _rollout(env, 3)
    assert all(np.array_equal(a[k], b[k]) for a, b in zip(first, again, strict=True) for k in a)
    pairs = zip(first, other, strict=False)
    assert not all(np.array_equal(a["fingertips"], b["fingertips"]) for a, b in pairs)


def test_wrong_action_shape_is_refused(env):
    env.reset(seed=0)
    with pytest.raises(ValueError, match="20 entries"):
        env.step(np.zeros(3, dtype=int))


def test_randomized_episode_runs():
    env = make_env("locked", **{p.name: p.limits for p in PARAMETERS})
    trace = _rollout(env, seed=4, steps=10)
    assert len(trace) > 1
    assert all(np.all(np.isfinite(obs["privileged"])) for obs in trace)
    assert env.values["cube_size"] != 1.0


def _drive_face(env, face_index, torque, limit):
    """Push a cube face with a generalized force until past ``limit`` rad, then let go."""
    dof = env.scene.hinge_dof[face_index]
    qpos = env.scene.hinge_qpos[face_index]
    before = env.successes
    for _ in range(60):
        pushing = abs(env.data.qpos[qpos]) < limit
        env.data.qfrc_applied[dof] = torque if pushing else 0.0
        _, reward, terminated, truncated, info = env.step(NO_OP)
        if terminated or truncated or info["successes"] > before:
            env.data.qfrc_applied[dof] = 0.0
            return reward, terminated, info
    raise AssertionError("the goal was never met")


def _env_running_plan(cube, solution, layer_lock=0.0):
    """An environment reset to run the plan of ``solution`` from the state it solves."""
    env = make_env(cube)
    env.layer_lock = layer_lock
    moves = parse_moves(solution)
    start = CubeState.solved().apply(tuple(m.inverse() for m in reversed(moves)))
    plan = schedule_minimal(start, Orientation.identity(), moves)
    env.reset(seed=0, options={"state": start, "subgoals": plan.subgoals})
    return env, start


def test_full_cube_executes_a_rotate_subgoal_of_a_plan():
    env, _ = _env_running_plan("full", "U")
    assert env.goal.kind == "rotate" and env.goal.direction == "cw"
    reward, terminated, info = _drive_face(env, 0, -0.06, np.pi / 4 + 0.1)
    assert terminated and info["failure"] is None and info["successes"] == 1
    assert info["moves"] == ["U"] and env.state.is_solved()
    assert reward > 4.0
    settle(env.scene, env.data)  # the detent finishes aligning the face
    assert read_facelets(env.scene.model, env.data) == CubeState.solved().facelets


def test_locked_cube_flip_reanchors_and_then_turns_the_new_top_face():
    env, start = _env_running_plan("locked", "R")
    assert env.goal.kind == "flip" and env.goal.face == "R"
    # Place the cube R face up on the palm (a test teleport, not a policy).
    core = env.scene.model.body("cube:core").id
    pose = env.data.xmat[core].reshape(3, 3)
    env.data.qpos[env.scene.cube_qpos][3:7] = matrix_to_quaternion(rotation_bringing_up(pose, "R"))
    env.data.qvel[env.scene.cube_dof] = 0.0
    mujoco.mj_forward(env.scene.model, env.data)
    for _ in range(40):
        _, _, terminated, _, info = env.step(NO_OP)
        if info["successes"]:
            break
    assert info["successes"] == 1 and not terminated
    assert env.anchor.face_at("U") == "R"  # the hinge now turns the cube's R face
    assert env.goal.kind == "rotate" and env.goal.face == "R"
    assert env.state == start
    # Read in the model's frame, the stickers show the state seen through the new anchor.
    assert read_facelets(env.scene.model, env.data) == start.world_view(env.anchor)
    _, terminated, info = _drive_face(env, 0, -0.06, np.pi / 4 + 0.1)
    assert terminated and info["failure"] is None and info["successes"] == 2
    assert info["moves"] == ["R"] and env.state.is_solved()


def test_a_turn_of_the_wrong_face_is_a_state_mismatch():
    env, _ = _env_running_plan("full", "U")
    env.goal = type(env.goal)("rotate", "U", "ccw", env.goal.expected)  # ask for the other way
    env.goal_angles[0] += np.pi  # goal angle: +90 degrees instead of -90
    _, terminated, info = _drive_face(env, 0, 0.06, np.pi / 4 + 0.1)
    assert terminated and info["failure"] == "mismatch"


def test_a_physics_blow_up_ends_the_episode_as_unstable():
    env = make_env("locked")
    env.reset(seed=0)
    env.data.qvel[env.scene.cube_dof] = 1e12  # MuJoCo resets the physics when this happens
    _, _, terminated, _, info = env.step(NO_OP)
    assert terminated and info["failure"] == "unstable"


def test_a_pose_source_changes_what_the_policy_sees_but_not_the_critic():
    from cubehand.sim.scene import CUBE_REST

    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked")))
    obs, _ = env.reset(seed=0)
    turned = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    env.pose_source = lambda model, data: (CUBE_REST + [0.01, 0.0, 0.0], turned)
    seen, *_ = env.step(np.full(20, 5))
    truth = np.array(matrix_to_quaternion(env._cube_in_hand()))
    hand = hand_rotation(env.scene.model, env.data)
    np.testing.assert_allclose(seen["cube_quaternion"],
                               matrix_to_quaternion(hand.T @ turned), atol=1e-5)  # fmt: skip
    # The critic's privileged copy of the cube quaternion still follows the simulator.
    quat = slice(24 + 24 + 3, 24 + 24 + 3 + 4)
    np.testing.assert_allclose(seen["privileged"][quat], truth, atol=1e-5)
    assert not np.allclose(truth, seen["cube_quaternion"], atol=0.05)


def test_flip_weights_steer_flip_directions_and_info_counts_them():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", rotate_probability=0.0)
    env = CubeEnv(config)
    env.flip_weights = {"fingertips": 0.0, "wrist": 0.0, "thumb": 1.0, "little": 0.0}
    for seed in range(3):
        _, info = env.reset(seed=seed)
        assert info["goal"] == "flip" and info["flips"] == {"thumb": (0, 1)}


@pytest.mark.parametrize(("rotate_probability", "step"), [(1.0, 0.05), (0.0, 0.15)])
def test_rotate_goals_can_act_at_their_own_action_step(rotate_probability, step):
    config = EnvConfig(
        scene=SceneConfig(cube="locked"), start_pose="flat", action_step=0.15,
        rotate_action_step=0.05, rotate_probability=rotate_probability,
    )  # fmt: skip
    env = CubeEnv(config)
    _, info = env.reset(seed=0)
    assert info["goal"] == ("rotate" if rotate_probability else "flip")
    low, high = env.scene.hand_ctrl_low, env.scene.hand_ctrl_high
    before = env.target.copy()
    env.step(np.full(20, ACTION_BINS - 1))
    assert np.allclose(env.target, np.clip(before + step * (high - low), low, high))


def test_flip_directions_restrict_the_curriculum_flips():
    config = EnvConfig(
        scene=SceneConfig(cube="locked"), start_pose="flat", rotate_probability=0.0,
        flip_directions=("wrist", "little"),
    )  # fmt: skip
    env = CubeEnv(config)
    drawn = set()
    for seed in range(8):
        _, info = env.reset(seed=seed)
        drawn |= set(info["flips"])
    assert drawn == {"wrist", "little"}
    env.flip_weights = {"fingertips": 1.0, "wrist": 0.0, "thumb": 1.0, "little": 1.0}
    for seed in range(3):  # the weights apply within the allowed directions
        _, info = env.reset(seed=seed)
        assert set(info["flips"]) == {"little"}
    with pytest.raises(ValueError):
        EnvConfig(flip_directions=("palm",))


def test_random_start_pose_lies_between_flat_and_mid_and_follows_the_seed():
    env = make_env("locked", start_pose="random")
    flat = rest_ctrl(env.scene)
    middle = (env.scene.hand_ctrl_low + env.scene.hand_ctrl_high) / 2
    targets = []
    for seed in (0, 1, 0):
        env.reset(seed=seed)
        assert np.all(env.target >= np.minimum(flat, middle) - 1e-12)
        assert np.all(env.target <= np.maximum(flat, middle) + 1e-12)
        targets.append(env.target.copy())
    assert np.array_equal(targets[0], targets[2]) and not np.array_equal(targets[0], targets[1])


def test_allowed_timeouts_start_the_next_goal_where_the_hand_is():
    config = EnvConfig(scene=SceneConfig(cube="locked"), goal_timeout=3, timeouts_allowed=2)
    env = CubeEnv(config)
    env.reset(seed=4)
    ends = []
    for step in range(9):
        _, _, terminated, truncated, info = env.step(NO_OP)
        ends.append(terminated or truncated)
        if step == 3:
            assert env.goal_steps == 1  # a new goal started after the third step
    assert ends == [False] * 8 + [True]
    assert info["failure"] == "timeout" and info["timeouts"] == 2
    assert sum(info["attempts"].values()) == 3


def test_timeouts_end_plans_and_evaluations_at_once():
    from cubehand.evaluation import evaluation_env

    config = EnvConfig(scene=SceneConfig(cube="locked"), goal_timeout=2, timeouts_allowed=5)
    assert evaluation_env(config, "locked").timeouts_allowed == 0
    env = CubeEnv(config)
    plan = schedule_minimal(CubeState.solved(), Orientation.identity(), parse_moves("U R"))
    env.reset(seed=0, options={"subgoals": plan.subgoals})
    env.step(NO_OP)
    *_, truncated, info = env.step(NO_OP)
    assert truncated and info["failure"] == "timeout"


def test_a_locked_cube_tipped_over_with_its_top_layer_half_turned_cannot_go_on():
    config = EnvConfig(scene=SceneConfig(cube="locked"), goal_timeout=1, timeouts_allowed=5)
    env = CubeEnv(config)
    env.reset(seed=0)
    assert env._can_go_on()
    env.data.qpos[env.scene.hinge_qpos] = np.pi / 4
    mujoco.mj_forward(env.scene.model, env.data)
    assert env._can_go_on()  # the hinge still points up: no re-anchoring needed
    core = env.scene.model.body("cube:core").id
    pose = env.data.xmat[core].reshape(3, 3)
    env.data.qpos[env.scene.cube_qpos][3:7] = matrix_to_quaternion(rotation_bringing_up(pose, "R"))
    mujoco.mj_forward(env.scene.model, env.data)
    env._read_hand_frame()
    assert not env._can_go_on()


def test_layer_lock_damps_the_faces_the_goal_does_not_turn_and_they_hold():
    env, _ = _env_running_plan("full", "U", layer_lock=5.0)
    params = env.config.scene.cube_params  # a turning layer has its 8 pieces' damping too
    nominal = np.full(6, params.hinge_damping + 8 * params.ball_damping)
    damping = env.scene.model.dof_damping[env.scene.hinge_dof]
    assert env.goal.kind == "rotate" and env.goal.face == "U" and env.scene.faces[0] == "U"
    np.testing.assert_allclose(damping, nominal + [0, 5, 5, 5, 5, 5])
    # A push on the damped right face hardly turns it; the top face still turns the goal.
    right = env.scene.hinge_qpos[1]
    env.data.qfrc_applied[env.scene.hinge_dof[1]] = 0.05
    for _ in range(5):
        env.step(NO_OP)
    env.data.qfrc_applied[env.scene.hinge_dof[1]] = 0.0
    assert abs(env.data.qpos[right]) < 0.05
    _, terminated, info = _drive_face(env, 0, -0.06, np.pi / 4 + 0.1)
    assert terminated and info["successes"] == 1
    # Without the lock the same push turns the right face several times as far.
    env.layer_lock = 0.0
    env.reset(seed=0)
    np.testing.assert_allclose(env.scene.model.dof_damping[env.scene.hinge_dof], nominal)
    env.data.qfrc_applied[env.scene.hinge_dof[1]] = 0.05
    for _ in range(5):
        env.step(NO_OP)
    assert abs(env.data.qpos[right]) > 0.1


def test_cube_stiffness_scales_the_breakaway_and_detent_at_reset():
    env, _ = _env_running_plan("full", "U")
    detents = env.scene.model.actuator_forcerange[env.randomizer._indices["face_detent"]].copy()
    assert env.scene.mechanism.breakaway == env.config.scene.cube_params.weld_breakaway == 0.03
    env.cube_stiffness = 1 / 3
    env.reset(seed=0)
    assert env.scene.mechanism.breakaway == pytest.approx(0.01)
    scaled = env.scene.model.actuator_forcerange[env.randomizer._indices["face_detent"]]
    np.testing.assert_allclose(scaled, detents / 3)
    env.data.qfrc_applied[env.scene.hinge_dof[0]] = 0.025  # enough at 1/3, not at 1
    for _ in range(5):
        env.step(NO_OP)
    assert env.scene.mechanism.turning_face(env.data) == 0
    env.cube_stiffness = 1.0
    env.reset(seed=0)
    assert env.scene.mechanism.breakaway == 0.03
    env.data.qfrc_applied[env.scene.hinge_dof[0]] = 0.025
    for _ in range(5):
        env.step(NO_OP)
    assert env.scene.mechanism.is_rigid(env.data)


def test_pose_shaping_charges_leaving_mid_range_and_repays_coming_back():
    def rewards(shaping, actions):
        config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="mid",
                           pose_shaping=shaping)  # fmt: skip
        env = CubeEnv(config)
        env.reset(seed=6)
        return np.array([env.step(action)[1] for action in actions]), env

    # Every target up by one action step (5% of its range, 0.1 when scaled) for two steps,
    # then back down for two: targets leave mid-range and return (no action latency at
    # nominal physics).
    up, down = np.full(20, ACTION_BINS - 1), np.zeros(20, dtype=int)
    actions = [up, up, down, down]
    plain, env = rewards(0.0, actions)
    shaped, _ = rewards(2.0, actions)
    assert env.values["action_latency"] == 0
    assert np.allclose(shaped - plain, [-0.2, -0.2, 0.2, 0.2], atol=0.02)
    assert abs((shaped - plain).sum()) < 1e-9
    with pytest.raises(ValueError):
        EnvConfig(pose_shaping=-1.0)


def test_pose_shaping_toward_the_flat_hand_pays_for_opening_it():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="mid", pose_shaping=2.0,
                       shaping_pose="flat")  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=6)
    low, high = env.scene.hand_ctrl_low, env.scene.hand_ctrl_high
    flat = 2 * (rest_ctrl(env.scene) - low) / (high - low) - 1
    start = -2.0 * np.abs(flat).mean()  # the targets start at mid-range (0 when scaled)
    assert env._pose_potential() == pytest.approx(start)
    toward_flat = np.where(flat < 0, 0, ACTION_BINS - 1)
    plain = CubeEnv(config.model_copy(update={"pose_shaping": 0.0}))
    plain.reset(seed=6)
    gain = env.step(toward_flat)[1] - plain.step(toward_flat)[1]
    assert gain > 0
    assert gain == pytest.approx(env._pose_potential() - start)


def _curl_fingers_off_the_top(env):
    """Aim the hand a little curled (three tenths of the way from the flat hand to
    mid-range), off the face that :func:`_turn_top_to_goal` pushes; returns the flat hand's
    and mid-range targets."""
    flat = rest_ctrl(env.scene)
    middle = (env.scene.hand_ctrl_low + env.scene.hand_ctrl_high) / 2
    env.target = middle * 0.3 + flat * 0.7
    return flat, middle


def _turn_top_to_goal(env, steps=100):
    """Push the top hinge toward its goal angle with a test force until a goal is met;
    returns the last info and the number of control steps taken."""
    dof, qpos = env.scene.hinge_dof[0], env.scene.hinge_qpos[0]
    before = env.successes
    for step in range(1, steps + 1):
        error = env.goal_angles[0] - env.data.qpos[qpos]
        env.data.qfrc_applied[dof] = 0.06 * np.sign(error) if abs(error) > np.pi / 4 - 0.1 else 0
        _, _, terminated, truncated, info = env.step(NO_OP)
        if terminated or truncated or info["successes"] > before:
            env.data.qfrc_applied[dof] = 0.0
            return info, step
    raise AssertionError("the goal was never met")


def test_memory_per_goal_restarts_the_policys_memory_at_each_goal_met():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat",
                            rotate_probability=1.0, memory_per_goal=True))  # fmt: skip
    _, info = env.reset(seed=3)
    assert not info["fresh_memory"]
    _, _, _, _, info = env.step(NO_OP)
    assert not info["fresh_memory"]  # no goal met in this step
    for count in (1, 2):
        info, _ = _turn_top_to_goal(env)
        assert info["successes"] == count and info["fresh_memory"] and not info["released"]


def test_full_cube_meets_goal_after_goal_of_the_curriculum():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat",
                            rotate_probability=1.0))  # fmt: skip
    env.reset(seed=3)
    for count in range(1, 4):
        info, _ = _turn_top_to_goal(env)
        assert info["successes"] == count and info["failure"] is None
        # Pushed by a test force alone, the cube stays where it settled, square with the hand.
        offset, yaw, off_start, tilt, pose = info["goal_places"]["rotate"]
        assert info["met"]["rotate"] == count
        assert 0.0 <= offset < 2.0 * count and 0.0 <= yaw < 2.0 * count
        # The flat start pose holds the cube where it settled: its start place, flat.
        assert 0.0 <= off_start < 2.0 * count and 0.0 <= tilt < 2.0 * count
        assert pose == 0.0  # the test turns the face; the hand holds the flat start pose
        assert info["goal_places"]["flip"] == (0.0,) * 5
        # Every rotation met was counted by its direction; the next one is tried already.
        assert sum(met for met, _ in info["rotations"].values()) == count
        assert sum(tried for _, tried in info["rotations"].values()) == count + 1
        assert not info["released"]  # release_steps 0: the hand goes on where it is
        assert not info["fresh_memory"]  # and so does the policy's memory
    assert len(info["moves"]) == 3
    assert env.state == CubeState.solved().apply(tuple(parse_moves(" ".join(info["moves"]))))


def test_goals_are_counted_by_what_came_before_them():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat",
                            rotate_probability=1.0))  # fmt: skip
    _, info = env.reset(seed=3)
    assert info["sequels"] == {"start>rotate": (0, 1)}
    info, _ = _turn_top_to_goal(env)
    assert info["sequels"] == {"start>rotate": (1, 1), "rotate>rotate": (0, 1)}
    info, _ = _turn_top_to_goal(env)
    assert info["sequels"] == {"start>rotate": (1, 1), "rotate>rotate": (1, 2)}
    config = EnvConfig(scene=SceneConfig(cube="locked"), goal_timeout=2, timeouts_allowed=1)
    timed = CubeEnv(config)
    timed.reset(seed=4)
    first = timed.goal.kind
    for _ in range(4):
        *_, info = timed.step(NO_OP)
    assert info["failure"] == "timeout"
    assert info["sequels"] == {f"start>{first}": (0, 1), f"timeout>{timed.goal.kind}": (0, 1)}


def test_goals_are_counted_by_how_far_the_cube_was_turned_as_they_started():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat",
                            rotate_probability=1.0, start_yaw=0.6))  # fmt: skip
    _, info = env.reset(seed=3)
    assert info["start_yaws"] == {}  # a goal counts from its first control step
    turned = np.degrees(yaw_off_square(env._cube_in_hand()))
    assert turned >= 10.0  # this seed drops the cube well off square
    first = start_yaw_key("rotate", turned)
    *_, info = env.step(NO_OP)
    assert info["start_yaws"] == {first: (0, 1)}
    info, _ = _turn_top_to_goal(env)
    assert info["start_yaws"] == {first: (1, 1)}
    # The next goal starts where the test force left the cube, and is counted there.
    second = start_yaw_key("rotate", np.degrees(yaw_off_square(env._cube_in_hand())))
    *_, info = env.step(NO_OP)
    counts = {first: [1, 1]}
    counts.setdefault(second, [0, 0])[1] += 1
    assert info["start_yaws"] == {key: tuple(value) for key, value in counts.items()}


@pytest.mark.parametrize("origin", ["model", "goal"])
def test_face_angles_are_observed_from_the_model_zero_or_from_the_goal_start(origin):
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat",
                       rotate_probability=1.0, face_angle_origin=origin)  # fmt: skip
    env = CubeEnv(config)
    first, _ = env.reset(seed=3)
    info, _ = _turn_top_to_goal(env)
    assert info["successes"] == 1
    turned = env._aligned_angles()[0]  # the top face after the turn
    assert abs(abs(turned) - np.pi / 2) < 1e-9
    obs = env._observe()
    top = [0, 6]  # sin and cos of the top face (URFDLB order)
    if origin == "goal":  # the second rotation looks like the first did
        assert np.allclose(obs["face_angles"][top], first["face_angles"][top], atol=0.05)
        assert np.allclose(obs["goal_face_angles"], first["goal_face_angles"], atol=1e-6)
    else:  # the top reads a quarter turn, its new goal half a turn or none
        assert np.allclose(obs["face_angles"][top], [np.sin(turned), np.cos(turned)], atol=0.05)
    # The goal test does not depend on the origin: the hinge must reach the goal angle.
    assert np.isclose(env.goal_angles[0], turned + (np.pi / 2 if env.goal.direction == "ccw"
                                                    else -np.pi / 2))  # fmt: skip


@pytest.mark.parametrize("cube", ["full", "locked"])
def test_faces_can_start_at_random_quarter_turns_with_the_cube_unchanged(cube):
    config = EnvConfig(scene=SceneConfig(cube=cube), start_pose="flat",
                       rotate_probability=1.0, start_face_turns=True)  # fmt: skip
    env = CubeEnv(config)
    starts = []
    for seed in range(4):
        obs, _ = env.reset(seed=seed)
        angles = env._cube_angles()
        turns = angles / (np.pi / 2)
        assert np.allclose(turns, np.round(turns), atol=0.02)  # held at quarter turns
        starts.append(tuple(np.round(turns).astype(int)))
        # The cube is as it was: solved, looking solved, no move counted.
        assert env.state.is_solved() and env.moves == []
        assert read_facelets(env.scene.model, env.data) == CubeState.solved().facelets
        # Seen from the model's zero, the face angles read the turns.
        assert np.allclose(obs["face_angles"][:6], np.sin(angles), atol=0.1)
    assert any(any(start) for start in starts)  # some face started turned
    env.reset(seed=2)
    assert tuple(np.round(env._cube_angles() / (np.pi / 2)).astype(int)) == starts[2]
    # Goals are met from turned faces as from aligned ones, one after another.
    for count in (1, 2):
        info, _ = _turn_top_to_goal(env)
        assert info["successes"] == count and info["failure"] is None
    assert env.state == CubeState.solved().apply(tuple(parse_moves(" ".join(info["moves"]))))


def test_a_reset_after_a_turned_face_keeps_every_layer_locked_as_the_cube_settles(monkeypatch):
    import cubehand.sim.env as env_module

    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat",
                            rotate_probability=1.0))  # fmt: skip
    env.reset(seed=3)
    info, _ = _turn_top_to_goal(env)
    assert info["successes"] == 1  # the top face's lock now holds it a quarter turn round
    locked = []

    def watched_settle(scene, data, seconds=1.5):
        for _ in range(int(round(seconds / scene.config.control_dt))):
            control_step(scene, data, rest_ctrl(scene))
            locked.append(bool(data.eq_active.all()))

    monkeypatch.setattr(env_module, "settle", watched_settle)
    env.reset(seed=4)
    # The locks hold the new episode's angles from its first step: no layer lets go.
    assert locked and all(locked)
    assert np.allclose(env._cube_angles(), 0.0, atol=1e-3) and env.moves == []


def test_after_a_goal_the_hand_opens_and_the_next_goal_starts_afresh():
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="mid", release_steps=12,
                       rotate_probability=1.0)  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=3)
    flat, middle = _curl_fingers_off_the_top(env)
    started = env.data.time
    calls = []
    env.on_release_step = lambda done: calls.append((done, env.data.time))
    info, steps = _turn_top_to_goal(env)
    assert info["released"] and info["successes"] == 1
    dt = env.scene.config.control_dt
    assert [done for done, _ in calls] == list(range(13))  # before the opening, then each step
    assert np.allclose(np.diff([t for _, t in calls]), dt)
    assert round((env.data.time - started) / dt) == steps + 12  # the opening ran the physics
    assert np.allclose(env.data.ctrl[env.scene.hand_actuators], flat)  # it aimed at the flat hand
    assert env.goal_steps == 0 and np.allclose(env.target, middle)  # then the start pose
    info, _ = _turn_top_to_goal(env)
    assert info["released"] and info["successes"] == 2 and info["failure"] is None


def test_the_hand_can_open_into_its_start_pose_round_the_cube():
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="mid", release_steps=12,
                       release_pose="start", rotate_probability=1.0)  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=3)
    flat, middle = _curl_fingers_off_the_top(env)
    controls = []
    env.on_release_step = lambda done: controls.append(env.data.ctrl[env.scene.hand_actuators])
    info, _ = _turn_top_to_goal(env)
    assert info["released"] and info["successes"] == 1 and len(controls) == 13
    assert all(np.allclose(ctrl, middle) for ctrl in controls[1:])  # never the flat hand
    assert not np.allclose(middle, flat)
    assert env.goal_steps == 0 and np.allclose(env.target, middle)


def test_the_cube_can_start_moved_and_turned_on_the_palm_and_follows_the_seed():
    plain = CubeEnv(EnvConfig(scene=SceneConfig(cube="full")))
    plain.reset(seed=0)
    moved = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_offset=0.03, start_yaw=0.8))
    places, yaws = [], []
    for seed in (0, 1, 0):
        moved.reset(seed=seed)
        places.append(moved._cube_in_palm())
        cube = moved._cube_in_hand()
        yaws.append(np.arctan2(cube[1, 0], cube[0, 0]))
        assert not is_dropped(moved.scene, moved.data)
    assert np.allclose(plain._cube_in_palm(), 0.0, atol=1e-3)
    assert np.allclose(places[0], places[2]) and np.isclose(yaws[0], yaws[2])
    assert max(np.linalg.norm(p[:2]) for p in places) > 0.005
    assert abs(yaws[0] - yaws[1]) > 0.05
    moved.start_spread = 0.0  # the training curriculum's fraction: at 0 the usual place
    moved.reset(seed=0)
    assert np.allclose(moved._cube_in_palm(), plain._cube_in_palm())


def test_cube_placement_reads_the_offset_from_the_start_place_and_the_yaw_off_square():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_yaw=0.6))
    env.reset(seed=3)
    placement = env.cube_placement()
    offset = env._cube_in_palm() - env._start_place
    assert np.isclose(placement.offset, np.linalg.norm(offset[:2]))
    assert np.isclose(placement.yaw, yaw_off_square(env._cube_in_hand()))
    assert np.degrees(placement.yaw) >= 10.0  # this seed drops the cube well off square
    assert placement.tilt < 0.1 and placement.speed < 0.5  # flat on the palm, settled
    env.start_spread = 0.0  # the usual place: square with the hand
    env.reset(seed=3)
    assert env.cube_placement().yaw < 0.02


def test_cube_placement_splits_the_offset_across_and_along_the_palm():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), start_offset=0.03))
    env.reset(seed=4)
    placement = env.cube_placement()
    offset = env._cube_in_palm() - env._start_place
    assert np.isclose(placement.across, offset[0]) and np.isclose(placement.along, offset[1])
    assert np.isclose(placement.offset, np.hypot(placement.across, placement.along))
    assert placement.offset > 0.005  # displaced, so the split is not trivially zero


def test_across_points_to_the_thumb_and_along_to_the_fingertips():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), start_pose="mid"))
    env.reset(seed=0)
    model, data = env.scene.model, env.data
    hand = hand_rotation(model, data)
    palm = data.xpos[model.body("robot0:palm").id]
    thumb = hand.T @ (data.xpos[model.body("robot0:thbase").id] - palm)
    fingertip = hand.T @ (data.xpos[model.body("robot0:ffdistal").id] - palm)
    assert thumb[0] > 0.02 and fingertip[1] > 0.1
    # The settled start, before the start pose pushes the cube toward the thumb and the
    # wrist, lies toward the little finger and the fingertips of the start place.
    placement = env.cube_placement()
    assert placement.across < -0.01 and placement.along > 0.01


def test_a_met_goal_reports_where_it_left_the_cube_before_the_hand_opened():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), release_steps=20,
                            rotate_probability=1.0))  # fmt: skip
    env.reset(seed=0)
    opening = []
    env.on_release_step = lambda done: opening.append(env.cube_placement()) if done == 0 else None
    env._goal_met = lambda: True  # the first step meets the goal
    info = env.step(NO_OP)[4]
    assert info["released"] and info["goal_end"] == opening[0]
    assert info["goal_end"] != env.cube_placement()  # the opening moved the cube


def test_info_reports_where_a_goal_ended_only_at_the_step_it_ended():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), goal_timeout=3,
                            rotate_probability=1.0))  # fmt: skip
    env.reset(seed=0)
    infos = [env.step(NO_OP)[4] for _ in range(3)]
    assert infos[0]["goal_end"] is None and infos[1]["goal_end"] is None
    assert infos[2]["failure"] == "timeout"
    assert infos[2]["goal_end"] == env.cube_placement()


def test_centre_weight_adds_the_cube_distance_beyond_the_palm_radius_to_the_goal_distance():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", palm_radius=0.01,
                       centre_weight=10.0)  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=0)
    base = env._goal_distance()
    hand = hand_rotation(env.scene.model, env.data, env._palm_body)
    offset = np.linalg.norm(env._cube_in_palm())
    env.data.qpos[env.scene.cube_qpos][:3] += hand[:, 0] * 0.03  # along the palm
    mujoco.mj_forward(env.scene.model, env.data)
    moved = np.linalg.norm(env._cube_in_palm())
    assert moved > 0.025
    expected = 10.0 * (max(0.0, moved - 0.01) - max(0.0, offset - 0.01))
    assert np.isclose(env._goal_distance() - base, expected, atol=1e-6)
    plain = CubeEnv(config.model_copy(update={"centre_weight": 0.0}))
    plain.reset(seed=0)
    plain.data.qpos[plain.scene.cube_qpos][:3] += hand[:, 0] * 0.03
    mujoco.mj_forward(plain.scene.model, plain.data)
    assert np.isclose(plain._goal_distance(), base - 10.0 * max(0.0, offset - 0.01), atol=1e-6)


def test_centre_radius_moves_the_charge_without_moving_the_goal_test():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", centre_weight=10.0,
                       centre_radius=0.005)  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=0)
    plain = CubeEnv(config.model_copy(update={"centre_weight": 0.0}))
    plain.reset(seed=0)
    hand = hand_rotation(env.scene.model, env.data, env._palm_body)
    for shifted in (env, plain):
        shifted.data.qpos[shifted.scene.cube_qpos][:3] += hand[:, 0] * 0.03
        mujoco.mj_forward(shifted.scene.model, shifted.data)
    moved = np.linalg.norm(env._cube_in_palm())
    assert 0.025 < moved < config.palm_radius
    charge = env._goal_distance() - plain._goal_distance()
    assert np.isclose(charge, 10.0 * (moved - 0.005), atol=1e-6)


def test_square_weight_charges_the_cube_turned_off_square():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", square_weight=2.0)
    env = CubeEnv(config)
    env.reset(seed=0)
    plain = CubeEnv(config.model_copy(update={"square_weight": 0.0}))
    plain.reset(seed=0)
    for turned in (env, plain):
        hand = hand_rotation(turned.scene.model, turned.data, turned._palm_body)
        quat = turned.data.qpos[turned.scene.cube_qpos][3:7]
        spin = np.zeros(4)
        mujoco.mju_axisAngle2Quat(spin, hand[:, 2], 0.3)
        mujoco.mju_mulQuat(quat, spin, quat.copy())
        mujoco.mj_forward(turned.scene.model, turned.data)
    yaw = yaw_off_square(env._cube_in_hand())
    assert 0.2 < yaw < np.pi / 4
    assert np.isclose(env._goal_distance() - plain._goal_distance(), 2.0 * yaw, atol=1e-6)


def test_flips_and_rotations_are_judged_by_their_own_place_and_square_tests():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", rotate_probability=0)
    env = CubeEnv(config)
    env.reset(seed=0)
    env.goal = Goal("flip", up_face(env._cube_in_hand()))  # met where the cube lies
    hand = hand_rotation(env.scene.model, env.data, env._palm_body)
    env.data.qpos[env.scene.cube_qpos][:3] += hand[:, 0] * 0.03  # 30 mm along the palm
    mujoco.mj_forward(env.scene.model, env.data)
    assert env._goal_met()
    env.flip_radius = 0.02
    assert not env._goal_met()
    env.flip_radius = 0.04
    assert env._goal_met()
    env.flip_radius = 0.02
    env.goal = Goal("rotate", env.goal.face, "cw")
    env.goal_angles = env._cube_angles()
    assert env._goal_met()  # rotations keep the palm radius
    env.goal, env.flip_radius = Goal("flip", env.goal.face), None
    quat = env.data.qpos[env.scene.cube_qpos][3:7]
    spin = np.zeros(4)
    mujoco.mju_axisAngle2Quat(spin, hand[:, 2], 0.3)
    mujoco.mju_mulQuat(quat, spin, quat.copy())
    mujoco.mj_forward(env.scene.model, env.data)
    env.flip_square = 0.2
    assert not env._goal_met()
    env.flip_square = 0.4
    assert env._goal_met()
    env.goal = Goal("rotate", env.goal.face, "cw")
    assert env._goal_met()  # the flip's square test leaves rotations alone
    env.rotate_square = 0.2
    assert not env._goal_met()
    env.rotate_square = 0.4
    assert env._goal_met()
    env.rotate_radius = 0.02  # the cube lies 30 mm along the palm
    assert not env._goal_met()
    env.rotate_radius = 0.04
    assert env._goal_met()
    env.goal = Goal("flip", env.goal.face)
    env.rotate_radius = 0.02
    assert env._goal_met()  # the rotation's place test leaves flips alone
    env.rotate_radius, env.goal = None, Goal("rotate", env.goal.face, "cw")
    tilt = np.zeros(4)
    mujoco.mju_axisAngle2Quat(tilt, hand[:, 0], 0.2)  # the face up 0.2 rad off the normal
    mujoco.mju_mulQuat(quat, tilt, quat.copy())
    mujoco.mj_forward(env.scene.model, env.data)
    assert env._goal_met()  # within the orientation tolerance (0.4 rad)
    env.rotate_tilt = 0.15
    assert not env._goal_met()
    env.rotate_tilt = 0.25
    assert env._goal_met()
    env.rotate_tilt, env.goal = 0.15, Goal("flip", env.goal.face)
    assert env._goal_met()  # the rotation's tilt test leaves flips alone
    env.rotate_tilt, env.goal = None, Goal("rotate", env.goal.face, "cw")
    scaled = env._scaled(env.target)  # the flat hand, off the flat start pose by nothing
    assert env._pose_off_start() == pytest.approx(0.0)
    env.target = env.target + 0.3 * (env.scene.hand_ctrl_high - env.scene.hand_ctrl_low) / 2
    assert env._pose_off_start() == pytest.approx(0.3) and np.all(env._scaled(env.target) > scaled)
    env.rotate_pose = 0.2
    assert not env._goal_met()
    env.rotate_pose = 0.4
    assert env._goal_met()
    env.rotate_pose, env.goal = 0.2, Goal("flip", env.goal.face)
    assert env._goal_met()  # and so does its pose test
    update = {"flip_radius": 0.02, "flip_square": 0.3, "rotate_square": 0.25,
              "rotate_radius": 0.03, "rotate_tilt": 0.1, "rotate_pose": 0.3}  # fmt: skip
    configured = CubeEnv(config.model_copy(update=update))
    assert (configured.flip_radius, configured.flip_square) == (0.02, 0.3)
    assert (configured.rotate_square, configured.rotate_radius) == (0.25, 0.03)
    assert (configured.rotate_tilt, configured.rotate_pose) == (0.1, 0.3)


def _turn_square(env):
    """Turn the cube in place about the palm normal until it is square with the hand."""
    cube = env._cube_in_hand()
    turn = squared(cube) @ cube.T
    hand = hand_rotation(env.scene.model, env.data, env._palm_body)
    spin = np.zeros(4)
    mujoco.mju_axisAngle2Quat(spin, hand[:, 2], float(np.arctan2(turn[1, 0], turn[0, 0])))
    quat = env.data.qpos[env.scene.cube_qpos][3:7]
    mujoco.mju_mulQuat(quat, spin, quat.copy())
    mujoco.mj_forward(env.scene.model, env.data)


def test_a_rotation_off_square_waits_behind_a_square_goal_that_a_square_cube_meets():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", rotate_probability=1,
                       start_yaw=0.785, start_offset=0.02, square_first=0.17)  # fmt: skip
    env = CubeEnv(config)
    seeds = {}  # the first seed whose cube starts turned farther than square_first, and not
    for seed in range(20):
        env.reset(seed=seed)
        seeds.setdefault(bool(yaw_off_square(env._cube_in_hand()) > 0.17), seed)
    assert set(seeds) == {True, False}
    obs, info = env.reset(seed=seeds[False])
    assert info["goal"] == "rotate" and env._waiting is None  # square enough already
    obs, info = env.reset(seed=seeds[True])
    off = yaw_off_square(env._cube_in_hand())
    assert info["goal"] == "square" and env._waiting.kind == "rotate"
    assert info["goal_face"] == env._waiting.face == up_face(env._cube_in_hand())
    # The policy sees the turn left to go: about the palm normal, as large as the cube is off.
    w, x, y, z = obs["relative_goal_quaternion"]
    assert 2 * np.arccos(min(1.0, abs(w))) == pytest.approx(off, abs=0.03)
    assert abs(z) > 10 * max(abs(x), abs(y))
    assert not env._goal_met()
    _turn_square(env)
    assert env._goal_met()
    # With a square_radius the cube must also lie that near its rest point, and the goal
    # distance charges square_place_weight rad per metre beyond it.
    off_rest = float(np.linalg.norm(env._cube_in_palm()))
    anywhere = env._goal_distance()
    env.square_radius = off_rest / 2
    assert not env._goal_met()
    assert env._goal_distance() - anywhere == pytest.approx(10.0 * off_rest / 2)
    env.square_radius = off_rest + 0.001
    assert env._goal_met() and env._goal_distance() == pytest.approx(anywhere)
    env.square_radius = None
    assert CubeEnv(config.model_copy(update={"square_radius": 0.02})).square_radius == 0.02
    for _ in range(10):
        obs, reward, terminated, truncated, info = env.step(NO_OP)
        if info["met"]["square"]:
            break
    assert info["met"]["square"] == info["attempts"]["square"] == 1
    assert info["successes"] == 0  # a square goal is not a success
    assert info["goal"] == "rotate" and info["sequel"] == "square>rotate"
    assert env._waiting is None and not terminated
    unsquared = CubeEnv(config.model_copy(update={"square_first": None}))
    _, info = unsquared.reset(seed=seeds[True])
    assert info["goal"] == "rotate"  # no square goals unless asked for


def _square_from_place_env(radius, **settings):
    settings = {"square_from_place": True, **settings}
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="mid", rotate_probability=1.0,
                       place_origin="start", square_first=0.785, square_radius=radius,
                       **settings)  # fmt: skip
    return CubeEnv(config)


def test_square_from_place_puts_a_square_goal_before_a_rotation_off_its_place():
    # At reset the cube lies at its rest point, off the place where the mid pose will hold
    # it; a fresh start leaves it to the start pose.
    env = _square_from_place_env(0.008)
    obs, info = env.reset(seed=3)
    off = env._off_place()
    assert off > 0.01 and yaw_off_square(env._cube_in_hand()) < 0.785
    assert info["goal"] == "rotate"
    env._before = "rotate"  # as if a rotation had just ended here
    env._next_goal()
    assert env.goal.kind == "square" and env._waiting.kind == "rotate"
    assert not env._goal_met()
    # The goal distance charges square_place_weight rad per metre beyond the radius, measured
    # from the place, not from the rest point (where the cube lies now).
    assert np.linalg.norm(env._cube_in_palm()) < 0.002
    env.square_radius = off + 0.001
    anywhere = env._goal_distance()
    env.square_radius = off / 2
    assert env._goal_distance() - anywhere == pytest.approx(10.0 * off / 2)
    env.square_radius = 0.008
    for _ in range(40):  # the mid pose closes and pushes the cube to its place
        obs, reward, terminated, truncated, info = env.step(NO_OP)
        if info["met"]["square"]:
            break
    assert info["met"]["square"] == 1 and info["successes"] == 0
    assert env._off_place() <= 0.008
    assert info["goal"] == "rotate" and info["sequel"] == "square>rotate"
    for radius, square_from_place in ((off + 0.005, True), (0.008, False)):
        other = _square_from_place_env(radius, square_from_place=square_from_place)
        other.reset(seed=3)
        other._before = "rotate"
        other._next_goal()
        # Near enough already; or without square_from_place, by the yaw alone.
        assert other.goal.kind == "rotate"


def test_the_hand_does_not_open_after_a_square_goal_from_place():
    env = _square_from_place_env(0.008, release_steps=12)
    env.reset(seed=3)
    env._before = "rotate"  # as if a rotation had just ended here
    env._next_goal()
    assert env.goal.kind == "square"
    opened, recorded = [], []
    env.on_release_step = opened.append
    env.on_goal_pose = lambda kind, pose: recorded.append((kind, pose.cube.copy()))
    for _ in range(40):  # the mid pose closes and pushes the cube to its place
        _, _, _, _, info = env.step(NO_OP)
        if info["met"]["square"]:
            break
    assert info["met"]["square"] == 1 and info["goal"] == "rotate"
    assert not info["released"] and opened == []  # the rotation starts where it was brought
    assert env._off_place() <= 0.008
    # Its pose is still recorded, where the goal was met (no opening to wait for).
    assert [kind for kind, _ in recorded] == ["square"]
    assert np.allclose(recorded[0][1][:3], env.data.qpos[env.scene.cube_qpos][:3])


def test_square_from_place_counts_goals_as_before_when_an_episode_ends_at_a_goal():
    attempts = {}
    for square_from_place in (True, False):
        env = _square_from_place_env(
            0.03, release_steps=12, max_successes=1, square_from_place=square_from_place
        )
        env.reset(seed=3)
        _curl_fingers_off_the_top(env)
        info, _ = _turn_top_to_goal(env)
        assert info["successes"] == 1 and not info["released"]  # ended: no opening
        attempts[square_from_place] = (info["attempts"], info["sequels"])
    assert attempts[True] == attempts[False]
    assert attempts[True][0]["rotate"] == 2  # the next goal was drawn and begun


@pytest.mark.parametrize("moved", [False, True])
def test_square_from_place_decides_after_the_hand_opens(moved):
    env = _square_from_place_env(0.03, release_steps=12, release_pose="start")
    _, info = env.reset(seed=3)
    assert info["goal"] == "rotate"  # the cube starts within 30 mm of its place
    _curl_fingers_off_the_top(env)
    steps = env.config.release_steps

    def push_toward_the_wrist(done):
        if moved and done == steps:  # the opening's last step: the cube goes off its place
            hand = hand_rotation(env.scene.model, env.data, env._palm_body)
            env.data.qpos[env.scene.cube_qpos][:3] -= hand[:, 1] * 0.05
            env.data.qvel[:] = 0.0
            mujoco.mj_forward(env.scene.model, env.data)

    env.on_release_step = push_toward_the_wrist
    info, _ = _turn_top_to_goal(env)
    assert info["released"] and info["successes"] == 1
    assert info["goal"] == ("square" if moved else "rotate")
    assert (env._off_place() > 0.03) == moved
    # The waiting rotation counts as tried once its square goal ends.
    assert info["attempts"]["rotate"] == 2 - moved and info["attempts"]["square"] == int(moved)


def test_the_start_place_is_where_the_start_pose_holds_the_cube():
    flat = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat"))
    assert np.linalg.norm(flat._start_place) < 0.002  # the flat hand leaves it at rest
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="mid", rotate_probability=0)
    mid = CubeEnv(config)
    # Fingers at mid-range push the cube off its rest point and lift it off the palm.
    assert np.linalg.norm(mid._start_place) > 0.01
    mid.reset(seed=0)
    for _ in range(25):
        mid.step(NO_OP)
    assert np.linalg.norm(mid._cube_in_palm() - mid._start_place) < 0.005  # it stays there


def test_flip_places_and_the_centre_shaping_measure_from_the_configured_origin():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="mid", rotate_probability=0,
                       centre_weight=10.0, centre_radius=0.001)  # fmt: skip
    rest, start = (
        CubeEnv(config.model_copy(update={"place_origin": origin})) for origin in ("rest", "start")
    )
    for env in (rest, start):
        env.reset(seed=0)
        env.goal = Goal("flip", up_face(env._cube_in_hand()))
        # Put the cube exactly at its start place: at rest it starts on the flat hand.
        hand = hand_rotation(env.scene.model, env.data, env._palm_body)
        env.data.qpos[env.scene.cube_qpos][:3] += hand @ env._start_place
        env.data.qvel[:] = 0.0
        mujoco.mj_forward(env.scene.model, env.data)
        env._read_hand_frame()
        env.flip_radius = 0.005
    assert start._off_place() < 1e-4 < 0.005 < rest._off_place()
    assert start._goal_met() and not rest._goal_met()
    lift = np.linalg.norm(start._start_place)
    plain = face_tilt(start._cube_in_hand(), start.goal.face)
    assert start._goal_distance() == pytest.approx(plain)
    assert rest._goal_distance() == pytest.approx(plain + 10.0 * (lift - 0.001), abs=1e-3)


def test_evaluations_drop_the_training_start_spread_and_keep_the_release():
    from cubehand.evaluation import evaluation_env

    config = EnvConfig(start_offset=0.02, start_yaw=0.5, release_steps=10, goal_restarts=0.5,
                       palm_radius=0.02, start_face_turns=True)  # fmt: skip
    evaluated = evaluation_env(config, "full")
    assert evaluated.start_offset == 0.0 and evaluated.start_yaw == 0.0
    assert not evaluated.start_face_turns
    assert evaluation_env(config, "full", start_face_turns=True).start_face_turns
    assert evaluated.palm_radius == EnvConfig().palm_radius == 0.08
    assert (
        evaluation_env(config.model_copy(update={"square_weight": 1.0}), "full").square_weight == 0
    )
    assert evaluated.goal_restarts == 0.0
    placed = config.model_copy(
        update={"rotate_radius": 0.02, "rotate_square": 0.2, "rotate_tilt": 0.1, "rotate_pose": 0.3}
    )
    assert evaluation_env(placed, "full").rotate_radius is None
    assert evaluation_env(placed, "full").rotate_tilt is None
    assert evaluation_env(placed, "full").rotate_pose is None
    assert evaluation_env(placed, "full", rotate_pose=0.4).rotate_pose == 0.4
    assert evaluation_env(placed, "full", rotate_radius=0.03).rotate_radius == 0.03
    assert evaluation_env(placed, "full", rotate_tilt=0.2).rotate_tilt == 0.2
    assert evaluated.release_steps == 10
    assert evaluation_env(config, "full", release_steps=0).release_steps == 0


def test_episodes_can_restart_from_the_hand_and_cube_of_an_earlier_goal():
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat", rotate_probability=1.0,
                       goal_restarts=1.0)  # fmt: skip
    env = CubeEnv(config)
    _, info = env.reset(seed=3)
    assert not info["restarted"] and not env.goal_poses  # nothing recorded yet
    env.target = env.target + 0.1 * (env.scene.hand_ctrl_high - env.target)  # a pose of its own
    _turn_top_to_goal(env)
    (pose,) = env.goal_poses
    assert np.allclose(pose.joints, env.data.qpos[env._joint_qpos])
    assert np.allclose(pose.cube, env.data.qpos[env.scene.cube_qpos])  # U was up: unchanged
    _, info = env.reset(seed=4)
    assert info["restarted"] and info["successes"] == 0
    assert info["sequels"] == {"restart>rotate": (0, 1)}  # not counted as a fresh start
    assert np.allclose(env.data.qpos[env._joint_qpos], pose.joints)
    assert np.allclose(env.target, pose.targets)
    assert np.allclose(env.data.qpos[env.scene.cube_qpos], pose.cube)
    assert np.allclose(env.data.qvel[env.scene.cube_dof], 0.0)
    assert np.allclose(env.data.qpos[env.scene.hinge_qpos], 0.0)  # faces aligned
    info, _ = _turn_top_to_goal(env)  # and the episode goes on from there
    assert info["successes"] == 1 and info["failure"] is None
    assert not is_dropped(env.scene, env.data)
    never = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat"))
    _, info = never.reset(seed=4)
    assert not info["restarted"]


def test_restarts_can_go_part_way_from_the_settled_start_to_the_goal_pose():
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat", rotate_probability=1.0,
                       goal_restarts=1.0, restart_blend=(0.5, 0.5))  # fmt: skip
    env = CubeEnv(config)
    _, info = env.reset(seed=3)
    assert not info["restarted"] and info["restart_share"] is None
    start = env._start_pose
    assert np.allclose(start.joints, env.data.qpos[env._joint_qpos])
    env.target = env.target + 0.1 * (env.scene.hand_ctrl_high - env.target)
    _turn_top_to_goal(env)
    (pose,) = env.goal_poses
    _, info = env.reset(seed=4)
    assert info["restarted"] and info["restart_share"] == 0.5
    assert np.allclose(env.data.qpos[env._joint_qpos], (start.joints + pose.joints) / 2)
    assert np.allclose(env.target, (start.targets + pose.targets) / 2)
    assert np.allclose(env.data.qvel[env.scene.cube_dof], 0.0)
    assert env._start_pose is start  # a restart keeps the last fresh start
    exact = CubeEnv(config.model_copy(update={"restart_blend": (1.0, 1.0)}))
    exact.reset(seed=3)
    exact.goal_poses.append(pose)
    _, info = exact.reset(seed=4)
    assert info["restart_share"] == 1.0
    assert np.allclose(exact.data.qpos[exact.scene.cube_qpos], pose.cube)
    with pytest.raises(ValueError, match="restart_blend"):
        EnvConfig(restart_blend=(0.8, 0.2))
    exact.restart_reach = 0.5  # the training curriculum's fraction of restart_blend
    exact.reset(seed=3)
    exact.goal_poses.append(pose)
    _, info = exact.reset(seed=4)
    assert info["restart_share"] == 0.5
    assert np.allclose(exact.data.qpos[exact._joint_qpos], (start.joints + pose.joints) / 2)


def test_goal_restarts_can_skip_the_blend_that_bank_starts_keep(tmp_path):
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat", rotate_probability=1.0,
                       goal_restarts=1.0, restart_blend=(0.5, 0.5),
                       blend_goal_restarts=False)  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=3)
    start = env._start_pose
    pose = start._replace(joints=start.joints + 0.05, targets=start.targets + 0.05)
    env.goal_poses.append(pose)
    _, info = env.reset(seed=4)
    assert info["restarted"] and not info["banked"] and info["restart_share"] is None
    assert np.allclose(env.data.qpos[env._joint_qpos], pose.joints)  # the pose itself
    bank = tmp_path / "bank.npz"
    save_pose_bank([pose], bank)
    banked = CubeEnv(config.model_copy(update={"bank_restarts": 1.0, "restart_bank": bank}))
    _, info = banked.reset(seed=3)
    assert not info["restarted"]  # no settled start to blend from yet
    _, info = banked.reset(seed=4)
    assert info["banked"] and info["restart_share"] == 0.5
    halfway = (banked._start_pose.joints + pose.joints) / 2
    assert np.allclose(banked.data.qpos[banked._joint_qpos], halfway)


def test_restarted_episodes_can_draw_rotations_at_their_own_rate():
    config = EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", rotate_probability=0.0,
                       goal_restarts=1.0, restart_rotate_probability=1.0)  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=0)
    assert not env.restarted and env.goal.kind == "flip"  # a fresh episode: rotate_probability
    env._record_goal_pose()
    for seed in range(1, 4):
        env.reset(seed=seed)
        assert env.restarted and env.goal.kind == "rotate"
    plain = CubeEnv(config.model_copy(update={"restart_rotate_probability": None}))
    plain.reset(seed=0)
    plain._record_goal_pose()
    plain.reset(seed=1)
    assert plain.restarted and plain.goal.kind == "flip"


def test_restarts_can_keep_only_the_poses_after_one_goal_kind_as_the_next_goal_finds_them():
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat", rotate_probability=1.0,
                       goal_restarts=1.0, restart_after="flip")  # fmt: skip
    env = CubeEnv(config)
    env.reset(seed=3)
    _turn_top_to_goal(env)
    assert not env.goal_poses  # a rotation met: not recorded
    opening = config.model_copy(
        update={"restart_after": "rotate", "release_steps": 12, "start_pose": "mid"}
    )
    env = CubeEnv(opening)
    env.reset(seed=3)
    _, middle = _curl_fingers_off_the_top(env)
    info, _ = _turn_top_to_goal(env)
    assert info["released"]
    (pose,) = env.goal_poses  # recorded after the opening: the start pose's targets
    assert np.allclose(pose.targets, middle) and np.allclose(pose.targets, env.target)
    assert np.allclose(pose.joints, env.data.qpos[env._joint_qpos])


def test_a_goal_pose_with_another_face_up_restarts_the_locked_cube_with_its_hinge_up():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="locked"), start_pose="flat", goal_restarts=1.0))
    env.reset(seed=0)
    tipped = Orientation.from_up_front("F", "D").matrix.astype(float)  # model F up
    qpos = env.data.qpos[env.scene.cube_qpos]
    qpos[3:7] = matrix_to_quaternion(tipped)
    mujoco.mj_forward(env.scene.model, env.data)
    env._read_hand_frame()
    face = env._model_up()
    assert face != "U"
    normal = np.array(FACE_NORMALS[face], dtype=float)
    up_before = env.data.xmat[env._core].reshape(3, 3) @ normal
    env._record_goal_pose()
    env.reset(seed=1)
    assert env.restarted and env._model_up() == "U"
    up_after = env.data.xmat[env._core].reshape(3, 3)[:, 2]  # model +z, the hinge
    assert np.allclose(up_after, up_before, atol=1e-6)  # the same world direction


def test_the_policy_can_see_the_cube_relabelled_to_its_start_orientation_at_each_goal():
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat")
    plain, hand = CubeEnv(config), CubeEnv(config.model_copy(update={"face_order": "hand"}))
    seen = [env.reset(seed=2)[0] for env in (plain, hand)]
    for key in seen[0]:  # no flip yet: the identity
        assert np.array_equal(seen[0][key], seen[1][key]), key
    home = rotation_quaternion(HOME_IN_HAND)
    tipped = Orientation.from_up_front("F", "D").matrix.astype(float)
    observed = []
    for env in (plain, hand):  # tip the cube as a flip would, turn its new top, next goal
        env.data.qpos[env.scene.cube_qpos][3:7] = matrix_to_quaternion(tipped)
        mujoco.mj_forward(env.scene.model, env.data)
        env._read_hand_frame()
        up = env._model_up()
        env._next_goal()
        env.data.qpos[env.scene.hinge_qpos[list(env.scene.faces).index(up)]] = 0.3
        mujoco.mj_forward(env.scene.model, env.data)
        observed.append(env._observe())
    assert up != "U"
    cube_view, hand_view = observed
    assert abs(float(np.dot(cube_view["cube_quaternion"], home))) < 0.8  # a quarter turn off
    assert abs(float(np.dot(hand_view["cube_quaternion"], home))) > 0.95  # reads as home
    assert np.isclose(hand_view["face_angles"][0], np.sin(0.3), atol=1e-6)  # the top first
    assert np.isclose(cube_view["face_angles"][0], 0.0, atol=1e-6)  # U is not on top
    assert np.allclose(hand_view["privileged"], cube_view["privileged"])  # critic: unchanged
    for key in ("relative_goal_quaternion", "fingertips", "cube_position"):
        assert np.allclose(hand_view[key], cube_view[key]), key


def test_home_in_hand_is_where_episodes_start():
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_offset=0.04, start_yaw=0.6))
    for seed in range(3):
        env.reset(seed=seed)
        assert np.array_equal(home_symmetry(env._cube_in_hand()).matrix, np.eye(3))
