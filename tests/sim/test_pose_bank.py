"""Pose banks: written and read back, refused when unfit, and episodes started from them."""

import numpy as np
import pytest

from cubehand.sim.env import CubeEnv, EnvConfig
from cubehand.sim.goal_pose import GoalPose
from cubehand.sim.pose_bank import PoseBankError, load_pose_bank, save_pose_bank
from cubehand.sim.scene import SceneConfig
from tests.sim.test_env import _turn_top_to_goal


def _poses(count: int, joints: int = 24, targets: int = 20) -> list[GoalPose]:
    rng = np.random.default_rng(count)
    return [
        GoalPose(rng.normal(size=joints), rng.normal(size=joints), rng.normal(size=targets),
                 np.concatenate([rng.normal(size=3), [1.0, 0.0, 0.0, 0.0]]))
        for _ in range(count)
    ]  # fmt: skip


def test_a_bank_gives_back_its_poses_in_order(tmp_path):
    poses = _poses(3)
    save_pose_bank(poses, tmp_path / "bank.npz")
    loaded = load_pose_bank(tmp_path / "bank.npz", joints=24, targets=20)
    assert len(loaded) == 3
    for saved, read in zip(poses, loaded, strict=True):
        for field in GoalPose._fields:
            assert np.array_equal(getattr(saved, field), getattr(read, field))


def test_a_bank_that_is_missing_unreadable_empty_or_for_another_hand_is_refused(tmp_path):
    bank = tmp_path / "bank.npz"
    with pytest.raises(PoseBankError, match="does not exist"):
        load_pose_bank(bank, joints=24, targets=20)
    with pytest.raises(PoseBankError, match="no poses to write"):
        save_pose_bank([], bank)
    assert not bank.exists()
    bank.write_bytes(b"not a zip")
    with pytest.raises(PoseBankError, match="not a readable .npz"):
        load_pose_bank(bank, joints=24, targets=20)
    save_pose_bank(_poses(2), bank)
    with pytest.raises(
        PoseBankError, match=r"joints has shape \(2, 24\), this hand needs \(2, 23\)"
    ):
        load_pose_bank(bank, joints=23, targets=20)
    with pytest.raises(PoseBankError, match="targets has shape"):
        load_pose_bank(bank, joints=24, targets=21)
    np.savez(bank, joints=np.zeros((1, 24)))
    with pytest.raises(PoseBankError, match="lacks the array 'joint_speeds'"):
        load_pose_bank(bank, joints=24, targets=20)
    broken = _poses(1)
    broken[0].cube[0] = np.nan
    save_pose_bank(broken, bank)
    with pytest.raises(PoseBankError, match="not finite"):
        load_pose_bank(bank, joints=24, targets=20)


def _met_rotation_pose(seed: int = 3) -> GoalPose:
    """The pose that a met rotation hands to ``on_goal_pose``, with the goal's kind."""
    env = CubeEnv(EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat",
                            rotate_probability=1.0))  # fmt: skip
    seen: list[tuple[str, GoalPose]] = []
    env.on_goal_pose = lambda kind, pose: seen.append((kind, pose))
    env.reset(seed=seed)
    env.target = env.target + 0.1 * (env.scene.hand_ctrl_high - env.target)  # its own grip
    _turn_top_to_goal(env)
    ((kind, pose),) = seen
    assert kind == "rotate" and not env.goal_poses  # handed over, not kept (no goal_restarts)
    assert np.allclose(pose.joints, env.data.qpos[env._joint_qpos])
    assert np.allclose(pose.targets, env.target)
    return pose


def test_episodes_start_from_bank_poses_and_say_so(tmp_path):
    pose = _met_rotation_pose()
    bank = tmp_path / "bank.npz"
    save_pose_bank([pose], bank)
    config = EnvConfig(scene=SceneConfig(cube="full"), start_pose="flat", rotate_probability=1.0,
                       bank_restarts=1.0, restart_bank=bank)  # fmt: skip
    env = CubeEnv(config)
    _, info = env.reset(seed=4)
    assert info["restarted"] and info["sequels"] == {"bank>rotate": (0, 1)}
    assert np.allclose(env.data.qpos[env._joint_qpos], pose.joints)
    assert np.allclose(env.target, pose.targets)
    assert np.allclose(env.data.qpos[env.scene.cube_qpos], pose.cube)
    assert np.allclose(env.data.qvel[env.scene.cube_dof], 0.0)
    assert np.allclose(env.data.qpos[env.scene.hinge_qpos], 0.0)  # faces aligned
    # Blended restarts wait for a fresh start to blend from, then go part way.
    halfway = CubeEnv(config.model_copy(update={"restart_blend": (0.5, 0.5)}))
    _, info = halfway.reset(seed=4)
    assert not info["restarted"] and info["sequels"] == {"start>rotate": (0, 1)}
    start = halfway._start_pose
    _, info = halfway.reset(seed=5)
    assert info["restarted"] and info["restart_share"] == 0.5
    assert np.allclose(halfway.data.qpos[halfway._joint_qpos], (start.joints + pose.joints) / 2)
    # Without bank restarts the bank is never drawn.
    plain = CubeEnv(config.model_copy(update={"bank_restarts": 0.0}))
    _, info = plain.reset(seed=4)
    assert not info["restarted"] and info["sequels"] == {"start>rotate": (0, 1)}


def test_bank_restarts_need_a_bank_that_fits_the_hand(tmp_path):
    with pytest.raises(ValueError, match="bank_restarts above 0 needs restart_bank"):
        EnvConfig(bank_restarts=0.5)
    bank = tmp_path / "bank.npz"
    save_pose_bank(_poses(1, joints=5), bank)
    with pytest.raises(PoseBankError, match="joints has shape"):
        CubeEnv(EnvConfig(bank_restarts=0.5, restart_bank=bank))
