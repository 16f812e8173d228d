"""``cubehand eval policy --goal-starts``: the report and its goals beside it."""

import json

from cubehand.cli.app import main


def test_goal_starts_report_is_written_beside_the_evaluation(capsys, tmp_path):
    report = tmp_path / "starts.md"
    args = ["eval", "policy", "--episodes", "2", "--envs", "2", "--goals", "rotate",
            "--goal-timeout", "20", "--seed", "3", "--json"]  # fmt: skip
    assert main(args + ["--goal-starts", str(report)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["goal_starts"] == str(report)
    goals = json.loads(report.with_suffix(".json").read_text())
    assert len(goals) == sum(tried for _, tried in result["goal_sequels"].values())
    assert report.read_text().startswith("# Goal starts: policy.safetensors, full cube")
    assert "| start > rotate |" in report.read_text()


def test_goal_starts_into_a_missing_folder_is_refused_before_any_episode(capsys, tmp_path):
    target = tmp_path / "nowhere" / "starts.md"
    assert main(["eval", "policy", "--episodes", "1", "--goal-starts", str(target)]) == 2
    error = capsys.readouterr().err
    assert f"--goal-starts: no folder {target.parent}" in error and "Traceback" not in error
    assert not target.parent.exists()


def test_square_from_place_without_a_square_goal_setting_is_refused(capsys):
    args = ["eval", "policy", "--episodes", "1", "--square-from-place", "--square-first", "0.17"]
    assert main(args) == 2
    error = capsys.readouterr().err
    assert "--square-from-place needs --square-first and --square-radius" in error
    assert "Traceback" not in error
