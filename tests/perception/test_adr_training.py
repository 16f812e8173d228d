"""Vision training under visual ADR: shards rendered from the ranges, logged, resumable."""

import json

import numpy as np
import pytest
import torch

from cubehand.cli.app import main
from cubehand.perception.adr_training import VisionAdrTraining
from cubehand.perception.training import load_vision_config
from cubehand.solver.errors import CubeError

TINY_ADR = {
    "name": "tiny-adr",
    "data": {"resolution": 32, "shard_size": 4, "samples_per_episode": 2, "steps_between": 1},
    "network": {"resolution": 32, "channels": [8, 16], "view_features": 16, "hidden": 32},
    "epochs": 2,
    "batch_size": 2,
    # Every episode pinned; any share of met targets (>= 0) widens a full buffer of 2.
    "adr": {"boundary_probability": 1.0, "buffer_size": 2, "high_threshold": 0.0,
            "low_threshold": 0.0},
}  # fmt: skip


def _log(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_adr_shards_widen_ranges_checkpoint_and_resume(yaml_file, tmp_path):
    config = load_vision_config(yaml_file(TINY_ADR))
    run = VisionAdrTraining(config.model_copy(update={"epochs": 1}), tmp_path / "run")
    records = []
    run.run_adr(records.append)
    # One shard of 4 renders in 2 episodes, each pinned to one bound: 2 renders per buffer.
    assert [r["shard"] for r in records] == [1]
    first = records[0]
    assert first["samples"] == 4 and first["boundary_renders"] == 4
    assert first["adr_moved"] >= 1 and first["adr_mean_width"] > 0
    assert first["adr_entropy"] > np.log(1e-6)
    widened = [name for name, (low, high) in first["adr_ranges"].items() if (low, high) != (0, 0)]
    assert 1 <= len(widened) <= 2
    resumed = VisionAdrTraining(config, tmp_path / "run")
    assert resumed.epoch == 1 and resumed.visual_adr.ranges() == run.visual_adr.ranges()
    resumed.run_adr()
    log = _log(tmp_path / "run" / "log.jsonl")
    assert [r["shard"] for r in log] == [1, 2]
    assert log[1]["learning_rate"] > 0  # the cosine over 2 shards, not the 1-shard run's end
    assert (tmp_path / "run" / "vision.safetensors").is_file()


def _without_time(path):
    return [{k: v for k, v in r.items() if k != "seconds"} for r in _log(path)]


def test_a_resumed_adr_run_equals_an_uninterrupted_one(yaml_file, tmp_path):
    config = load_vision_config(yaml_file({**TINY_ADR, "adr": {
        "boundary_probability": 0.5, "buffer_size": 1, "high_threshold": 0.5,
        "low_threshold": 0.25}}))  # fmt: skip
    straight = VisionAdrTraining(config, tmp_path / "straight")
    straight.run_adr()

    def stop_after_one(record):
        raise KeyboardInterrupt

    interrupted = VisionAdrTraining(config, tmp_path / "split")
    with pytest.raises(KeyboardInterrupt):
        interrupted.run_adr(stop_after_one)
    resumed = VisionAdrTraining(config, tmp_path / "split")
    assert resumed.epoch == 1
    resumed.run_adr()
    assert _without_time(tmp_path / "split" / "log.jsonl") == _without_time(
        tmp_path / "straight" / "log.jsonl"
    )
    assert resumed.visual_adr.state_dict() == straight.visual_adr.state_dict()
    for key, value in straight.network.state_dict().items():
        assert torch.equal(value, resumed.network.state_dict()[key]), key


def test_the_same_seed_gives_the_same_adr_run(yaml_file, tmp_path):
    config = load_vision_config(yaml_file(TINY_ADR)).model_copy(update={"epochs": 1})
    logs = []
    for name in ("a", "b"):
        VisionAdrTraining(config, tmp_path / name).run_adr()
        logs.append([{k: v for k, v in r.items() if k != "seconds"}
                     for r in _log(tmp_path / name / "log.jsonl")])  # fmt: skip
    assert logs[0] == logs[1]


def test_cli_runs_adr_and_refuses_data_only(capsys, yaml_file, tmp_path):
    config = yaml_file(TINY_ADR)
    runs = tmp_path / "runs"
    args = ["train", "vision", "--config", str(config), "--runs", str(runs), "--epochs", "1"]
    assert main(args) == 0
    assert "ADR entropy" in capsys.readouterr().err  # the progress console writes to stderr
    assert (runs / "tiny-adr" / "vision.safetensors").is_file()
    assert (runs / "tiny-adr" / "curves.png").stat().st_size > 0
    assert (
        main(["train", "plot", "--run", str(runs / "tiny-adr"), "--out", str(tmp_path / "c.png")])
        == 0
    )
    assert (tmp_path / "c.png").stat().st_size > 0
    capsys.readouterr()
    for extra in (["--data-only"], ["--workers", "2"]):
        assert main([*args, *extra]) == 2  # bad input
        err = capsys.readouterr().err.strip()
        assert "--data-only and --workers" in err and len(err.splitlines()) == 1


def test_a_config_without_adr_is_refused(yaml_file, tmp_path):
    config = load_vision_config(yaml_file({k: v for k, v in TINY_ADR.items() if k != "adr"}))
    with pytest.raises(CubeError, match="no adr section"):
        VisionAdrTraining(config, tmp_path / "run")
