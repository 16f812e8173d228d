"""Pooling a policy run's log over windows of steps, and the `train summary` command."""

import json

import pytest

from cubehand.cli.app import main
from cubehand.solver.errors import CubeError
from cubehand.training_summary import markdown_table, read_log, summarize


def record(steps, episodes, mean, restarted=0, restarted_mean=0.0, rotate=(0, 0), flip=(0, 0),
           thumb=(0, 0), drop_rate=0.0, entropy=10.0):  # fmt: skip
    return {
        "steps": steps, "episodes": episodes, "mean_successes": mean,
        "restarted_episodes": restarted, "restarted_mean_successes": restarted_mean,
        "rotate_met": rotate[0], "rotate_tried": rotate[1],
        "flip_met": flip[0], "flip_tried": flip[1],
        "flip_directions": {"fingertips": [0, 0], "wrist": [0, 0], "thumb": list(thumb),
                            "little": [0, 0]},
        "drop_rate": drop_rate, "entropy": entropy,
    }  # fmt: skip


def test_windows_pool_counts_and_split_fresh_from_restarted_episodes():
    records = [
        record(
            100,
            4,
            1.0,
            restarted=2,
            restarted_mean=0.5,
            rotate=(3, 6),
            thumb=(1, 2),
            flip=(1, 2),
            drop_rate=0.25,
            entropy=10.0,
        ),
        record(200, 6, 0.5, rotate=(2, 8), drop_rate=0.5, entropy=20.0),
        record(300, 10, 2.0, rotate=(20, 25)),
    ]
    first, second = summarize(records, window_steps=150)
    assert (first["first_steps"], first["last_steps"], first["rollouts"]) == (100, 200, 2)
    assert first["episodes"] == 10 and first["drops"] == 4
    assert first["goals_per_episode"] == pytest.approx((4 + 3) / 10)
    assert first["goals_per_restarted_episode"] == pytest.approx(0.5)
    assert first["goals_per_fresh_episode"] == pytest.approx((7 - 1) / 8)
    assert first["rotate"] == [5, 14] and first["rotate_success_rate"] == pytest.approx(5 / 14)
    assert first["flip_directions"]["thumb"] == [1, 2]
    assert first["entropy"] == pytest.approx(15.0)
    assert second["goals_per_episode"] == pytest.approx(2.0)
    assert second["flip_success_rate"] is None and second["goals_per_restarted_episode"] is None
    assert first["adr_entropy"] is None


def test_adr_entropy_is_the_windows_last():
    records = [
        {**record(10, 1, 1.0), "adr_entropy": -13.8},
        {**record(20, 1, 1.0), "adr_entropy": -3.0},
    ]
    (window,) = summarize(records, window_steps=100)
    assert window["adr_entropy"] == -3.0


def test_goal_places_average_over_the_goals_met_and_the_reach_is_the_windows_last():
    records = [
        {**record(10, 2, 1.0, rotate=(1, 2), flip=(3, 4)), "restart_reach": 0.1,
         "goal_offset_mm": {"rotate": 30.0, "flip": 50.0}},
        {**record(20, 2, 1.0, rotate=(3, 4), flip=(0, 1)), "restart_reach": 0.15,
         "goal_offset_mm": {"rotate": 10.0, "flip": None},
         "goal_start_offset_mm": {"rotate": 4.0, "flip": None},
         "goal_tilt_deg": {"rotate": 2.0, "flip": None}},
        record(30, 1, 1.0, rotate=(5, 5)),  # a log from before goal places: not counted
    ]  # fmt: skip
    (window,) = summarize(records, window_steps=100)
    assert window["goal_offset_mm"] == {"rotate": pytest.approx(15.0), "flip": 50.0}
    assert window["restart_reach"] == 0.15
    (plain,) = summarize([record(10, 1, 1.0)], window_steps=100)
    assert plain["goal_offset_mm"] == {"rotate": None, "flip": None}
    assert plain["restart_reach"] is None
    # Only the second rollout logged the start place: its three rotations average 4 mm.
    assert window["goal_start_offset_mm"] == {"rotate": 4.0, "flip": None}
    assert window["goal_tilt_deg"] == {"rotate": 2.0, "flip": None}
    assert "| 15.0 / 50.0 | 4.0 / - | 2.0 / - |" in markdown_table([window])


def test_since_skips_earlier_records_and_windows_count_from_the_first_kept():
    records = [record(steps, 1, 1.0) for steps in (10, 20, 30, 40, 50)]
    windows = summarize(records, window_steps=20, since=20)
    assert [(w["first_steps"], w["last_steps"]) for w in windows] == [(30, 40), (50, 50)]
    with pytest.raises(CubeError, match="no records after 50"):
        summarize(records, window_steps=20, since=50)


def test_markdown_table_has_one_row_per_window():
    table = markdown_table(summarize([record(100, 2, 1.0, rotate=(1, 2))], window_steps=10))
    header, rule, row = table.strip().splitlines()
    assert header.count("|") == rule.count("|") == row.count("|")
    assert "0.500 (1/2)" in row
    assert "| 0/0 / 0/0 / 0/0 / 0/0 |" in row  # a log without goal_sequels


def test_rotations_are_pooled_by_what_came_before_them():
    sequels = [
        {"flip>rotate": [1, 4], "rotate>rotate": [2, 2]},
        {"flip>rotate": [0, 3], "bank>rotate": [1, 5]},
    ]
    records = [{**record(10 * i, 2, 1.0), "goal_sequels": s} for i, s in enumerate(sequels, 1)]
    (window,) = summarize(records, window_steps=100)
    assert window["goal_sequels"] == {
        "flip>rotate": [1, 7], "rotate>rotate": [2, 2], "bank>rotate": [1, 5]
    }  # fmt: skip
    assert "| 1/7 / 2/2 / 0/0 / 1/5 |" in markdown_table([window])


def test_goals_are_pooled_by_how_far_the_cube_was_turned_as_they_started():
    yaws = [{"rotate 0-10": [3, 3], "rotate 20-30": [0, 4]}, {"rotate 20-30": [1, 2]}]
    records = [{**record(10 * i, 2, 1.0), "start_yaws": y} for i, y in enumerate(yaws, 1)]
    (window,) = summarize(records, window_steps=100)
    assert window["start_yaws"] == {"rotate 0-10": [3, 3], "rotate 20-30": [1, 6]}
    assert "| 3/3 / 0/0 / 1/6 / 0/0 |" in markdown_table([window])


def test_broken_logs_are_cube_errors(tmp_path):
    with pytest.raises(CubeError, match="does not exist"):
        read_log(tmp_path / "missing.jsonl")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"steps": 1}\n{not json\n')
    with pytest.raises(CubeError, match="line 2: not JSON"):
        read_log(broken)
    foreign = tmp_path / "foreign.jsonl"
    foreign.write_text('{"shard": 1}\n')
    with pytest.raises(CubeError, match="no 'steps'"):
        read_log(foreign)


def test_summary_command_prints_json_writes_markdown_and_rejects_bad_logs(tmp_path, capsys):
    log = tmp_path / "log.jsonl"
    log.write_text("\n".join(json.dumps(record(s, 2, 1.0)) for s in (100, 200, 300)) + "\n")
    out = tmp_path / "summary.md"
    assert main(["train", "summary", str(log), "--window", "150", "--json", "--out", str(out)]) == 0
    windows = json.loads(capsys.readouterr().out)
    assert [w["rollouts"] for w in windows] == [2, 1]
    assert out.read_text().count("\n") == 4  # header, rule, two windows
    assert main(["train", "summary", str(tmp_path / "none.jsonl")]) == 2
    assert "does not exist" in capsys.readouterr().err
