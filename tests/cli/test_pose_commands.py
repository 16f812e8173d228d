"""``cubehand train poses``, ``train pose-parts`` and ``eval policy --start-bank``: banks
recorded, derived and used."""

import json

import numpy as np
import pytest

from cubehand.cli.app import main
from cubehand.evaluation import _pose_keeper
from cubehand.sim.env import CubeEnv, EnvConfig
from cubehand.sim.pose_bank import save_pose_bank


def test_a_pose_bank_is_recorded_from_met_flips_and_evaluations_start_from_it(capsys, tmp_path):
    bank = tmp_path / "flips.npz"
    args = ["train", "poses", "--out", str(bank), "--episodes", "4", "--envs", "2",
            "--seed", "5", "--goal-timeout", "100"]  # fmt: skip
    assert main(args) == 0
    recorded = json.loads(capsys.readouterr().out)
    assert recorded["seeds"] == "training" and recorded["after"] == "flip"
    poses = recorded["poses"]
    assert poses >= 1 and len(np.load(bank)["joints"]) == poses
    # The hand does not open between this policy's goals: every met flip gives a pose.
    assert poses == round(recorded["mean_successes"] * 4)
    again = tmp_path / "again.npz"
    assert main([*args[:3], str(again), *args[4:]]) == 0  # the same seed, the same bank
    capsys.readouterr()
    assert np.array_equal(np.load(again)["cube"], np.load(bank)["cube"])
    evaluation = ["eval", "policy", "--episodes", "2", "--envs", "2", "--goals", "rotate",
                  "--goal-timeout", "5", "--seed", "3", "--json"]  # fmt: skip
    assert main([*evaluation, "--start-bank", str(bank)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["start_bank"] == str(bank)
    assert result["goal_sequels"]["bank>rotate"][1] == 2
    assert result["goal_sequels"]["start>rotate"] == [0, 0]
    # Square goals measured from the cube's place put one before each bank rotation (no
    # banked cube lies within 1 mm of its place, none is turned farther than pi/4).
    square = ["--square-first", "0.785", "--square-radius", "0.001", "--place-origin", "start"]
    for origin, first in (
        ("--square-from-place", "bank>square"),
        ("--square-from-rest", "bank>rotate"),
    ):
        assert main([*evaluation, "--start-bank", str(bank), *square, origin]) == 0
        assert json.loads(capsys.readouterr().out)["goal_sequels"][first][1] == 2


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "bank.txt"], "--out must name a .npz file"),
        (["--out", "nowhere/bank.npz"], "--out: folder nowhere does not exist"),
        (["--seed", "1000000"], "--seed must lie in [0, 1000000)"),
        (["--episodes", "0"], "--episodes and --envs must be at least 1"),
    ],
)
def test_bad_pose_bank_requests_end_in_one_line(capsys, tmp_path, monkeypatch, extra, message):
    monkeypatch.chdir(tmp_path)
    assert main(["train", "poses", *extra]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert not list(tmp_path.iterdir())  # nothing written


def test_an_evaluation_from_a_missing_bank_ends_in_one_line(capsys, tmp_path):
    missing = tmp_path / "none.npz"
    assert main(["eval", "policy", "--episodes", "1", "--start-bank", str(missing)]) == 2
    error = capsys.readouterr().err
    assert f"pose bank {missing} does not exist" in error and "Traceback" not in error


def test_poses_are_kept_after_goals_of_the_kind_asked_while_episodes_count():
    poses: list = []
    finished: list = []
    keep = _pose_keeper(poses, "flip", finished, quota=1)
    keep("rotate", "after a rotation")
    keep("flip", "after a flip")
    finished.append({})  # the environment's counted episodes are done
    keep("flip", "past the quota")
    assert poses == ["after a flip"]
    anything: list = []
    keep_any = _pose_keeper(anything, "any", [], quota=1)
    keep_any("rotate", 1)
    keep_any("flip", 2)
    assert anything == [1, 2]


def _bank_of_one_moved_cube(path) -> np.ndarray:
    """A bank of one pose: the usual start with the cube 2 cm along the world x; its cube."""
    env = CubeEnv(EnvConfig())
    env.reset(seed=0)
    pose = env._start_pose
    cube = pose.cube.copy()
    cube[0] += 0.02
    save_pose_bank([pose._replace(joints=pose.joints + 0.05, cube=cube)], path)
    return cube


def test_a_bank_keeping_some_parts_of_each_pose_is_written(capsys, tmp_path):
    bank, out = tmp_path / "bank.npz", tmp_path / "place.npz"
    cube = _bank_of_one_moved_cube(bank)
    args = ["train", "pose-parts", "--bank", str(bank), "--keep", "place, yaw", "--out", str(out)]
    assert main(args) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["poses"] == 1 and written["kept"] == ["place", "yaw"]
    kept = np.load(out)
    assert not np.allclose(kept["joints"][0], np.load(bank)["joints"][0])  # the start's hand
    assert not np.allclose(kept["cube"][0, :3], cube[:3])  # the hand moved: the palm did too
    assert main([*args[:5], "hand,place,yaw,tilt", "--out", str(out)]) == 0  # all parts
    capsys.readouterr()
    assert np.allclose(np.load(out)["cube"][0, :3], cube[:3])


@pytest.mark.parametrize(
    ("keep", "out", "message"),
    [
        ("grip", "out.npz", "--keep takes parts among hand, place, across, along, yaw, tilt"),
        ("place", "out.txt", "--out must name a .npz file"),
        ("place", "nowhere/out.npz", "--out: folder nowhere does not exist"),
    ],
)
def test_bad_pose_parts_requests_end_in_one_line(capsys, tmp_path, monkeypatch, keep, out, message):
    monkeypatch.chdir(tmp_path)
    _bank_of_one_moved_cube(tmp_path / "bank.npz")
    assert main(["train", "pose-parts", "--bank", "bank.npz", "--keep", keep, "--out", out]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bank.npz"]  # nothing written


def test_pose_parts_of_a_missing_bank_end_in_one_line(capsys, tmp_path):
    missing = tmp_path / "none.npz"
    args = ["train", "pose-parts", "--bank", str(missing), "--keep", "place"]
    assert main([*args, "--out", str(tmp_path / "out.npz")]) == 2
    error = capsys.readouterr().err
    assert f"pose bank {missing} does not exist" in error and "Traceback" not in error
    assert not list(tmp_path.iterdir())
