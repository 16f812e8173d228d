"""``cubehand solve``: the whole pipeline runs, reports honestly, and rejects bad input."""

import json

import imageio.v3 as iio
import pytest

from cubehand.cli.app import main
from cubehand.evaluation import save_policy
from cubehand.sim.env import EnvConfig, observation_sizes
from cubehand.sim.scene import SceneConfig
from cubehand.skills.policy import NetworkConfig, Policy


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    path = tmp_path_factory.mktemp("weights") / "policy.safetensors"
    policy = Policy(observation_sizes(), NetworkConfig(embed=16, hidden=16, lstm=16))
    save_policy(policy, EnvConfig(scene=SceneConfig(cube="locked")), path)
    return path


def test_an_untrained_policy_runs_out_of_time_and_says_so(capsys, weights, tmp_path):
    video = tmp_path / "solve.gif"
    args = ["--cube", "locked", "--weights", str(weights), "--goal-timeout", "6", "--seed", "3"]
    code = main(["solve", "--scramble", "R U", *args, "--json", "--video", str(video)])
    assert code == 1
    report = json.loads(capsys.readouterr().out)
    assert report == {**report, "solved": False, "successes": 0, "subgoals_total": 3,
                      "failure": "timeout", "drops": 0}  # fmt: skip
    assert report["sim_seconds"] == pytest.approx(6 * 0.08)
    assert iio.imread(video).shape[1:] == (320, 320, 3)
    mp4 = tmp_path / "solve.mp4"
    assert main(["solve", "--scramble", "R U", *args, "--json", "--video", str(mp4)]) == 1
    assert mp4.stat().st_size > 1000


def test_recover_tries_again_and_counts_it(capsys, weights):
    args = ["--cube", "locked", "--weights", str(weights), "--goal-timeout", "2", "--seed", "3"]
    assert main(["solve", "--scramble", "R", *args, "--recover", "--max-recoveries", "2",
                 "--json"]) == 1  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert (report["recoveries"], report["failure"]) == (2, "timeout")
    assert main(["solve", "--scramble", "R", *args, "--recover", "--max-recoveries", "1"]) == 1
    assert "1 recoveries" in capsys.readouterr().out


def test_square_goals_go_before_rotations_when_asked(capsys, weights):
    args = ["--cube", "locked", "--weights", str(weights), "--goal-timeout", "4", "--seed", "3"]
    assert main(["solve", "--scramble", "U", *args, "--json"]) == 1
    plain = json.loads(capsys.readouterr().out)
    assert main(["solve", "--scramble", "U", *args, "--json", "--square-first", "1e-4"]) == 1
    squared = json.loads(capsys.readouterr().out)
    assert (plain["square_goals"], squared["square_goals"]) == (0, 0)  # none met in 4 steps
    assert squared["failure"] == "timeout" and squared["subgoals_total"] == 1
    assert main(["solve", "--scramble", "U", *args, "--square-first", "0.9"]) == 2
    error = capsys.readouterr().err
    assert "square_first=0.9" in error and "Traceback" not in error
    assert main(["solve", "--scramble", "U", *args, "--square-from-place"]) == 2
    error = capsys.readouterr().err
    assert "--square-from-place needs --square-first and --square-radius" in error


def test_a_solved_cube_needs_nothing(capsys, weights):
    assert main(["solve", "--scramble", "R R'", "--cube", "locked", "--weights", str(weights),
                 "--json"]) == 0  # fmt: skip
    assert json.loads(capsys.readouterr().out)["solved"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scramble", "R", "--random"], "exactly one"),
        ([], "exactly one"),
        (["--scramble", "Q"], "Q"),
        (["--scramble", "R x"], "rotations"),
        (["--scramble", "R", "--video", "out.avi"], ".mp4 or .gif"),
        (["--scramble", "R", "--max-recoveries", "2"], "needs --recover"),
    ],
)
def test_bad_input_is_one_line(capsys, weights, args, message):
    assert main(["solve", "--weights", str(weights), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_missing_weights_are_named(capsys, tmp_path):
    assert main(["solve", "--scramble", "R", "--weights", str(tmp_path / "none.safetensors")]) == 2
    assert "do not exist" in capsys.readouterr().err


def test_bench_perturb_writes_a_table_and_a_chart(capsys, weights, tmp_path):
    out = tmp_path / "bench"
    assert main(["bench", "perturb", "--episodes", "1", "--weights", str(weights),
                 "--goal-timeout", "2", "--out", str(out), "--json"]) == 0  # fmt: skip
    results = json.loads(capsys.readouterr().out)
    assert list(results) == ["nominal", "tied-fingers", "glove", "plush", "pen-poke"]
    assert all(row["episodes"] == 1 and row["full_solves"] == 0.0 for row in results.values())
    assert "| pen-poke | 1 |" in (out / "perturb.md").read_text()
    assert iio.imread(out / "perturb.png").ndim == 3


def test_vision_in_the_loop_runs(capsys, weights, tmp_path):
    from cubehand.perception.model import PoseNet, VisionConfig
    from cubehand.perception.weights import save_vision

    vision = tmp_path / "vision.safetensors"
    save_vision(PoseNet(VisionConfig(resolution=32, channels=(8, 8), view_features=8,
                                     hidden=8)), vision)  # fmt: skip
    args = ["--cube", "locked", "--weights", str(weights), "--goal-timeout", "3", "--json"]
    assert main(["solve", "--scramble", "R", *args, "--vision", "--vision-weights",
                 str(vision)]) == 1  # fmt: skip
    assert json.loads(capsys.readouterr().out)["failure"] == "timeout"
    assert main(["solve", "--scramble", "R", *args, "--vision", "--vision-weights",
                 str(tmp_path / "none.safetensors")]) == 2  # fmt: skip
    assert "vision weights" in capsys.readouterr().err
    out = tmp_path / "bench"
    assert main(["bench", "perturb", "--episodes", "1", "--weights", str(weights),
                 "--goal-timeout", "2", "--out", str(out), "--json", "--vision",
                 "--vision-weights", str(vision)]) == 0  # fmt: skip
    results = json.loads(capsys.readouterr().out)
    assert list(results) == ["nominal", "tied-fingers", "glove", "plush", "pen-poke", "vision"]
    assert results["vision"]["episodes"] == 1
    assert "| vision | 1 |" in (out / "perturb.md").read_text()
