"""Vision training: a tiny run trains, checkpoints, resumes; configs and weights checked."""

import json

import numpy as np
import pytest

from cubehand.cli.app import main
from cubehand.perception.estimator import PoseEstimator
from cubehand.perception.training import VisionTraining, cosine_rate, load_vision_config
from cubehand.perception.weights import load_vision, vision_info
from cubehand.solver.errors import CubeError

TINY = {
    "name": "tiny",
    "data": {"resolution": 32, "shard_size": 3, "train_shards": 2, "eval_shards": 1,
             "samples_per_episode": 2, "steps_between": 1},
    "network": {"resolution": 32, "channels": [8, 16], "view_features": 16, "hidden": 32},
    "epochs": 2,
    "batch_size": 2,
}  # fmt: skip


@pytest.fixture
def config_file(yaml_file):
    return yaml_file(TINY)


def test_train_checkpoint_resume_and_estimate(config_file, tmp_path):
    config = load_vision_config(config_file)
    run = VisionTraining(config.model_copy(update={"epochs": 1}), tmp_path / "run")
    run.prepare_data()
    progress = []
    run.run(on_batch=lambda done, total: progress.append((done, total)))
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in log] == [1]
    # Two shards of three: the last monitors, so three samples train in batches of two.
    assert log[0]["samples"] == 3 and progress == [(1, 2), (2, 2)]
    assert log[0]["monitor_orientation_deg"] > 0
    resumed = VisionTraining(config, tmp_path / "run")
    assert resumed.epoch == 1
    resumed.run()
    assert resumed.epoch == 2
    estimator = PoseEstimator(tmp_path / "run" / "vision.safetensors")
    images = {c: np.zeros((32, 32, 3), np.uint8) for c in ("cam:left", "cam:right", "cam:top")}
    estimate = estimator.estimate(images)
    assert estimate.rotation.shape == (1, 3, 3)
    with pytest.raises(CubeError, match="cam:top"):
        estimator.estimate({c: images[c] for c in ("cam:left", "cam:right")})
    with pytest.raises(CubeError, match="expected a"):
        estimator.estimate({**images, "cam:top": np.zeros((8, 8, 3), np.uint8)})


def test_the_batch_schedule_lowers_the_rate_batch_by_batch_across_epochs(config_file, tmp_path):
    config = load_vision_config(config_file).model_copy(update={"lr_schedule": "batch"})
    run = VisionTraining(config.model_copy(update={"epochs": 1}), tmp_path / "run")
    run.prepare_data()
    run.run()  # steps 0 and 1 of a 2-batch run
    resumed = VisionTraining(config, tmp_path / "run")
    resumed.run()  # extended to 2 epochs: steps 2 and 3 of 4
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    base = config.learning_rate
    assert [r["learning_rate"] for r in log] == [cosine_rate(base, 1, 2), cosine_rate(base, 3, 4)]
    assert cosine_rate(base, 0, 4) == base and cosine_rate(base, 4, 4) == pytest.approx(0)
    assert base > cosine_rate(base, 1, 4) > cosine_rate(base, 3, 4) > 0


def test_an_extended_epoch_schedule_follows_the_new_length(config_file, tmp_path):
    config = load_vision_config(config_file)  # lr_schedule: epoch
    run = VisionTraining(config.model_copy(update={"epochs": 1}), tmp_path / "run")
    run.prepare_data()
    run.run()  # epoch 0 of 1: the full rate
    VisionTraining(config, tmp_path / "run").run()  # extended: epoch 1 of 2, half the rate
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    base = config.learning_rate
    assert [r["learning_rate"] for r in log] == [base, pytest.approx(base / 2)]


def test_resume_refuses_another_config(config_file, tmp_path):
    config = load_vision_config(config_file)
    VisionTraining(config, tmp_path / "run")._save()
    with pytest.raises(CubeError, match="different config"):
        VisionTraining(config.model_copy(update={"learning_rate": 0.5}), tmp_path / "run")


def test_weights_that_are_missing_or_do_not_fit(tmp_path):
    with pytest.raises(CubeError, match="do not exist"):
        load_vision(tmp_path / "none.safetensors")
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"garbage")
    with pytest.raises(CubeError, match="cannot read"):
        load_vision(bad)


@pytest.mark.parametrize(
    ("text", "message"),
    [("name: [", "not valid YAML"), ("name: x\nepochs: 0", "epochs"),
     ("name: x\nnetwork: {resolution: 64}", "resolution")],
)  # fmt: skip
def test_bad_configs_are_named(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CubeError, match=message):
        load_vision_config(path)


def test_cli_train_and_eval(capsys, config_file, tmp_path):
    runs = tmp_path / "runs"
    assert main(["train", "vision", "--config", str(config_file), "--runs", str(runs),
                 "--epochs", "1"]) == 0  # fmt: skip
    weights = runs / "tiny" / "vision.safetensors"
    assert weights.is_file()
    capsys.readouterr()
    grid, cache = tmp_path / "grid.png", tmp_path / "cache"
    evaluate = ["eval", "vision", "--weights", str(weights), "--samples", "5", "--json",
                "--cache", str(cache)]  # fmt: skip
    assert main([*evaluate, "--examples", str(grid)]) == 0
    assert grid.is_file()
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"samples", "orientation_deg", "position_mm", "face_angle_deg",
                           "ms_per_sample"}  # fmt: skip
    assert result["samples"] == 5 and result["ms_per_sample"] > 0
    shards = sorted(cache.glob("*/eval/shard-*.npz"))
    assert len(shards) == 2  # five samples in shards of three
    # A second evaluation reads the kept renders (same figures, nothing rendered again).
    stamps = [path.stat().st_mtime_ns for path in shards]
    assert main(evaluate) == 0
    again = json.loads(capsys.readouterr().out)
    assert {k: v for k, v in again.items() if k != "ms_per_sample"} == {
        k: v for k, v in result.items() if k != "ms_per_sample"
    }
    assert [path.stat().st_mtime_ns for path in shards] == stamps


def test_held_out_renders_ignore_the_training_layer_mix(capsys, yaml_file, tmp_path):
    from cubehand.cli.vision_commands import _cache_key
    from cubehand.perception.dataset import DatasetConfig

    config = yaml_file(TINY | {"data": TINY["data"] | {"top_layer_share": 0.1}, "epochs": 1})
    runs, cache = tmp_path / "runs", tmp_path / "cache"
    assert main(["train", "vision", "--config", str(config), "--runs", str(runs)]) == 0
    weights = runs / "tiny" / "vision.safetensors"
    assert main(["eval", "vision", "--weights", str(weights), "--samples", "3", "--json",
                 "--cache", str(cache)]) == 0  # fmt: skip
    default_mix = DatasetConfig.model_validate(TINY["data"] | {"eval_shards": 1})
    assert [p.name for p in cache.iterdir()] == [_cache_key(default_mix)]


def test_cli_errors_are_one_line(capsys, tmp_path):
    assert main(["eval", "vision", "--weights", str(tmp_path / "none.safetensors")]) == 2
    assert main(["train", "vision", "--config", str(tmp_path / "none.yaml")]) == 2
    assert main(["eval", "vision", "--examples", str(tmp_path / "grid.jpg")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "do not exist" in err and ".png" in err


def test_cli_data_only_renders_and_stops(capsys, config_file, tmp_path):
    runs = tmp_path / "runs"
    assert main(["train", "vision", "--config", str(config_file), "--runs", str(runs),
                 "--data-only"]) == 0  # fmt: skip
    assert len(list((runs / "tiny" / "data" / "train").glob("shard-*[0-9].npz"))) == 2
    assert not (runs / "tiny" / "checkpoint.pt").exists()


def test_cuda_without_cuda_is_a_clear_error(yaml_file, tmp_path, monkeypatch):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    with pytest.raises(CubeError, match="CUDA is not available"):
        VisionTraining(load_vision_config(yaml_file(TINY | {"device": "cuda"})), tmp_path)


def test_a_checkpoint_from_before_newer_settings_still_resumes(config_file, tmp_path):
    import torch

    config = load_vision_config(config_file)
    run = VisionTraining(config.model_copy(update={"epochs": 1}), tmp_path / "run")
    run.prepare_data()
    run.run()
    # Write the checkpoint as a version without the extra_convs and device settings did.
    state = torch.load(run.checkpoint, weights_only=True)
    del state["config"]["network"]["extra_convs"], state["config"]["device"]
    torch.save(state, run.checkpoint)
    assert VisionTraining(config, tmp_path / "run").epoch == 1


def test_data_only_needs_no_cuda_even_when_the_config_asks_for_it(
    capsys, yaml_file, tmp_path, monkeypatch
):
    monkeypatch.setattr("torch.cuda.is_available", lambda: False)
    config = yaml_file(TINY | {"device": "cuda"})
    runs = tmp_path / "runs"
    args = ["train", "vision", "--config", str(config), "--runs", str(runs)]
    assert main([*args, "--data-only"]) == 0
    assert main(args) == 2  # training itself says it needs CUDA
    assert "CUDA is not available" in capsys.readouterr().err


def test_init_weights_start_a_run_from_trained_weights(config_file, tmp_path):
    config = load_vision_config(config_file)
    trained = VisionTraining(config.model_copy(update={"seed": 7}), tmp_path / "a")
    trained._save()
    weights = tmp_path / "a" / "vision.safetensors"
    fresh = VisionTraining(config, tmp_path / "b").network.state_dict()
    started = VisionTraining(config.model_copy(update={"init_weights": weights}), tmp_path / "c")
    trained_state = trained.network.state_dict()
    for key, value in started.network.state_dict().items():
        assert np.array_equal(value.numpy(), trained_state[key].numpy()), key
    assert any(not np.array_equal(v.numpy(), fresh[k].numpy()) for k, v in trained_state.items())
    other = config.network.model_copy(update={"hidden": 16})
    with pytest.raises(CubeError, match="another network config"):
        VisionTraining(config.model_copy(update={"init_weights": weights, "network": other}),
                       tmp_path / "d")  # fmt: skip
    missing = config.model_copy(update={"init_weights": tmp_path / "none"})
    with pytest.raises(CubeError, match="do not exist"):
        VisionTraining(missing, tmp_path / "e")


def test_averaged_weights_are_the_weighted_mean_and_mismatches_are_refused(
    config_file, tmp_path, capsys
):
    config = load_vision_config(config_file)
    paths = []
    for seed in (1, 2):
        run = VisionTraining(config.model_copy(update={"seed": seed}), tmp_path / f"s{seed}")
        run._save()
        paths.append(tmp_path / f"s{seed}" / "vision.safetensors")
    out = tmp_path / "mean.safetensors"
    assert main(["train", "vision-average", str(paths[0]), str(paths[1]), "--out", str(out),
                 "--share", "0.25", "--share", "0.75"]) == 0  # fmt: skip
    a, b = (load_vision(p).state_dict() for p in paths)
    mean = load_vision(out).state_dict()
    floats = [k for k, v in a.items() if v.is_floating_point()]
    assert any(not np.allclose(a[k].numpy(), b[k].numpy()) for k in floats)
    for key in floats:
        np.testing.assert_allclose(mean[key].numpy(), 0.25 * a[key].numpy() + 0.75 * b[key].numpy(),
                                   rtol=1e-5, atol=1e-6)  # fmt: skip
    assert [s["share"] for s in vision_info(out)["averaged_from"]] == [0.25, 0.75]
    assert vision_info(out)["data"] == vision_info(paths[0])["data"]
    other = config.model_copy(update={"network": config.network.model_copy(update={"hidden": 16})})
    VisionTraining(other, tmp_path / "other")._save()
    capsys.readouterr()
    other_weights = str(tmp_path / "other" / "vision.safetensors")
    code = main(["train", "vision-average", str(paths[0]), other_weights, "--out",
                 str(tmp_path / "x")])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0 and "different network" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()
    assert main(["train", "vision-average", str(paths[0]), "--out", str(tmp_path / "y")]) != 0
    assert main(["train", "vision-average", *map(str, paths), "--out", str(tmp_path / "z"),
                 "--share", "0.5"]) != 0  # fmt: skip


@pytest.mark.parametrize("precision, dtype", [("float32", "float32"), ("bfloat16", "bfloat16")])
def test_precision_sets_the_training_forward_pass(config_file, tmp_path, precision, dtype):
    import torch

    config = load_vision_config(config_file).model_copy(update={"epochs": 1})
    run = VisionTraining(config.model_copy(update={"precision": precision}), tmp_path / "run")
    run.prepare_data()
    seen = []
    run.network.head.register_forward_hook(lambda _m, _i, out: seen.append(out.dtype))
    before = [p.detach().clone() for p in run.network.parameters()]
    run.run()
    # Two training batches in the chosen format, then the monitor's evaluation in float32.
    assert seen == [getattr(torch, dtype)] * 2 + [torch.float32]
    assert all(p.dtype == torch.float32 for p in run.network.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, run.network.parameters(), strict=True))
    log = json.loads((tmp_path / "run" / "log.jsonl").read_text())
    losses = [value for key, value in log.items() if key.startswith("loss_")]
    assert losses and np.all(np.isfinite(losses))
