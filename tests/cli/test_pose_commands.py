"""``cubehand train poses`` and ``eval policy --start-bank``: a bank recorded and used."""

import json

import numpy as np
import pytest

from cubehand.cli.app import main
from cubehand.evaluation import _pose_keeper


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
