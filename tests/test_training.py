"""Training runs and evaluation end to end, at a tiny scale."""

import json
import math

import numpy as np
import pytest
import torch
import yaml

from cubehand.cli.app import main
from cubehand.evaluation import (
    PolicyActor,
    evaluate_policy,
    evaluation_env,
    load_policy,
    load_weights_into,
    physics_ranges,
    save_policy,
)
from cubehand.sim.env import EnvConfig, observation_sizes
from cubehand.sim.randomization import check_range
from cubehand.sim.scene import SceneConfig
from cubehand.skills.adr import Boundary
from cubehand.skills.policy import NetworkConfig, Policy
from cubehand.skills.ppo import RolloutStats
from cubehand.training import (
    CheckpointError,
    ConfigError,
    TrainingRun,
    load_checkpoint,
    load_train_config,
)
from cubehand.training_summary import read_log

TINY = {
    "name": "tiny",
    "seed": 3,
    "total_steps": 32,
    "n_envs": 2,
    "checkpoint_every": 1,
    "env": {"scene": {"cube": "locked"}, "goal_timeout": 10},
    "ppo": {"rollout_steps": 8, "epochs": 1, "minibatches": 1,
            "network": {"embed": 8, "hidden": 16, "lstm": 16}},
    "adr": {"buffer_size": 2},
}  # fmt: skip


@pytest.fixture
def config_file(yaml_file):
    return yaml_file(TINY)


def test_run_logs_checkpoints_and_resumes(config_file, tmp_path):
    config = load_train_config(config_file)
    run = TrainingRun(config, tmp_path / "run")
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert [line["steps"] for line in lines] == [16, 32]
    assert all("adr_entropy" in line for line in lines)
    for line in lines:  # the rollout's time, split into collection and update
        assert line["update_seconds"] > 0 and line["collect_seconds"] > 0
        spent = line["collect_seconds"] + line["update_seconds"]
        assert spent <= 16 / line["steps_per_second"] * (1 + 1e-9)
    state = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert state["trainer"]["steps"] == 32
    with (tmp_path / "run" / "log.jsonl").open("a") as log:  # written after the checkpoint
        log.write(json.dumps({"steps": 48}) + "\n")
    again = TrainingRun(config.model_copy(update={"total_steps": 48}), tmp_path / "run")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert again.trainer.steps == 32
    lines = (tmp_path / "run" / "log.jsonl").read_text().splitlines()
    assert [json.loads(line)["steps"] for line in lines] == [16, 32]
    again.run()
    assert load_checkpoint(tmp_path / "run" / "checkpoint.pt")["trainer"]["steps"] == 48
    events = list((tmp_path / "run" / "tensorboard").glob("events.out.tfevents.*"))
    assert events and sum(e.stat().st_size for e in events) > 500


def test_the_restart_poses_are_checkpointed_and_resumed(yaml_file, tmp_path):
    restarts = TINY | {"env": TINY["env"] | {"goal_restarts": 0.5, "release_steps": 3}}
    config = load_train_config(yaml_file(restarts))
    run = TrainingRun(config, tmp_path / "run")
    (tmp_path / "run").mkdir()
    env = run.env.envs[0]
    for shift in (0.0, 0.01):  # two distinct poses, as goals met would leave them
        pose = env._current_pose()
        pose.cube[0] += shift
        env.goal_poses.append(pose)
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    kept = list(again.env.envs[0].goal_poses)
    assert len(kept) == 2 and not again.env.envs[1].goal_poses
    for saved, loaded in zip(env.goal_poses, kept, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(saved, loaded, strict=True))
    # Poses recorded after other goals, or before the hand opened, are not this run's.
    for change in ({"restart_after": "flip"}, {"release_steps": 0}):
        other = config.model_copy(update={"env": config.env.model_copy(update=change)})
        fresh = TrainingRun(other, tmp_path / "other")
        fresh.resume(tmp_path / "run" / "checkpoint.pt")
        assert not fresh.env.envs[0].goal_poses


def test_resume_refuses_a_checkpoint_of_another_network(config_file, tmp_path):
    TrainingRun(load_train_config(config_file), tmp_path / "a").run()
    bigger = TINY | {"ppo": TINY["ppo"] | {"network": {"embed": 8, "hidden": 16, "lstm": 32}}}
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(bigger))
    run = TrainingRun(load_train_config(other), tmp_path / "b")
    with pytest.raises(CheckpointError, match="does not fit"):
        run.resume(tmp_path / "a" / "checkpoint.pt")


def test_policy_weights_round_trip_and_evaluate(config_file, tmp_path):
    run = TrainingRun(load_train_config(config_file), tmp_path / "run")
    run.run()
    weights = tmp_path / "policy.safetensors"
    save_policy(run.trainer.policy, run.config.env, weights)
    from_file, env_from_file = load_policy(weights)
    from_checkpoint, env_from_checkpoint = load_policy(tmp_path / "run" / "checkpoint.pt")
    assert env_from_file == env_from_checkpoint == run.config.env
    for a, b in zip(
        from_file.state_dict().values(), from_checkpoint.state_dict().values(), strict=True
    ):
        assert (a == b).all()
    config = EnvConfig(scene=SceneConfig(cube="locked"), goal_timeout=5)
    result = evaluate_policy(from_file, config, episodes=3, seed=1, ranges={}, n_envs=2)
    assert result["episodes"] == 3
    assert set(result) >= {"mean_successes", "median_successes", "rotate_success_rate",
                           "flip_success_rate", "drop_rate", "cube", "seed"}  # fmt: skip
    flips = result["flip_directions"]
    assert list(flips) == ["fingertips", "wrist", "thumb", "little"]
    met, tried = (sum(counts[i] for counts in flips.values()) for i in (0, 1))
    assert result["flip_success_rate"] == (met / tried if tried else None)
    for kind in ("rotate", "flip"):  # where met goals left the cube; None where none was met
        never_met = not (result[f"{kind}_success_rate"] or 0.0)
        assert (result["goal_offset_mm"][kind] is None) == never_met
        assert (result["goal_yaw_deg"][kind] is None) == never_met


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: [unclosed", "not valid YAML"),
        ("name: x\nbogus: 1\n", "bogus"),
        ("name: x\nseed: 1000000\n", "seed"),
        ("name: x\nadr_parameters: [wobble]\n", "unknown parameter 'wobble'"),
    ],
)
def test_bad_configs_are_named(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_train_config(path)


def test_missing_files_are_named(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_train_config(tmp_path / "none.yaml")
    with pytest.raises(CheckpointError, match="do not exist"):
        load_policy(tmp_path / "none.safetensors")
    (tmp_path / "junk.pt").write_text("junk")
    with pytest.raises(CheckpointError, match="not a checkpoint written by cubehand"):
        load_checkpoint(tmp_path / "junk.pt")


def test_physics_files(tmp_path):
    assert physics_ranges("nominal") == {}
    assert "cube_mass" in physics_ranges("heldout")
    wide, heldout = physics_ranges("wide"), physics_ranges("heldout")
    assert set(wide) == set(heldout)
    for name, (low, high) in wide.items():  # at least as wide, and valid
        assert low <= heldout[name][0] and high >= heldout[name][1]
        assert check_range(name, (low, high)) == (low, high)
    assert wide["cube_mass"] == (0.5, 1.5) and wide["timestep"] == (0.9, 1.1)
    path = tmp_path / "physics.yaml"
    path.write_text("cube_mass: 1.2\ncontact_friction: [0.8, 1.1]\n")
    assert physics_ranges(str(path)) == {"cube_mass": (1.2, 1.2), "contact_friction": (0.8, 1.1)}


def test_cli_train_and_eval(capsys, config_file, tmp_path):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    checkpoint = tmp_path / "tiny" / "checkpoint.pt"
    assert checkpoint.is_file()
    capsys.readouterr()
    args = ["eval", "policy", "--weights", str(checkpoint), "--cube", "locked", "--episodes", "2",
            "--envs", "2", "--goal-timeout", "5", "--json"]  # fmt: skip
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["episodes"] == 2 and result["memory_per_goal"] is False  # as trained
    assert main(args + ["--memory-per-goal"]) == 0
    assert json.loads(capsys.readouterr().out)["memory_per_goal"] is True
    assert result["release_pose"] == "flat"  # as trained
    assert main(args + ["--release-pose", "start", "--release-steps", "2"]) == 0
    opened = json.loads(capsys.readouterr().out)
    assert opened["release_pose"] == "start" and opened["release_steps"] == 2
    assert result["face_order"] == "cube"  # as trained
    assert result["goal_sequels"]["start>rotate"][1] + result["goal_sequels"]["start>flip"][1] == 2
    # Five steps per goal: both episodes end on their first goal, timed out or dropped.
    endings = result["goal_endings"]
    assert set(endings) <= {"start>rotate", "start>flip"}
    assert sum(sum(ends.values()) for ends in endings.values()) == 2
    assert sum(tried for _, tried in result["start_yaws"].values()) == 2  # by degrees off square
    assert main(args + ["--face-order", "hand"]) == 0
    assert json.loads(capsys.readouterr().out)["face_order"] == "hand"
    assert result["face_angle_origin"] == "model"  # as trained
    assert main(args + ["--face-angle-origin", "goal"]) == 0
    assert json.loads(capsys.readouterr().out)["face_angle_origin"] == "goal"
    assert main(["train", "policy", "--config", str(tmp_path / "none.yaml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_cli_evaluates_from_displaced_starts_and_rejects_impossible_ones(
    capsys, config_file, tmp_path
):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    capsys.readouterr()
    args = ["eval", "policy", "--weights", str(tmp_path / "tiny" / "checkpoint.pt"), "--cube",
            "locked", "--episodes", "2", "--envs", "2", "--goal-timeout", "5",
            "--json"]  # fmt: skip
    assert main(args + ["--start-offset", "0.02", "--start-yaw", "0.3"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["start_offset"] == 0.02 and result["start_yaw"] == 0.3
    assert result["start_face_turns"] is False
    assert main(args + ["--start-face-turns"]) == 0
    assert json.loads(capsys.readouterr().out)["start_face_turns"] is True
    assert main(args + ["--start-offset", "0.05"]) == 2
    error = capsys.readouterr().err
    message = "evaluation setting start_offset=0.05: Input should be less than or equal to 0.04"
    assert message in error and "Traceback" not in error
    assert main(args + ["--start-yaw", "-0.1"]) == 2
    assert "evaluation setting start_yaw=-0.1: Input should be greater than or equal to 0" in (
        capsys.readouterr().err
    )
    assert main(args + ["--release-steps", "-1"]) == 2
    assert "evaluation setting release_steps=-1" in capsys.readouterr().err


def test_evaluations_can_drop_the_cube_displaced():
    trained = EnvConfig(scene=SceneConfig(cube="locked"), start_offset=0.03)
    assert evaluation_env(trained, "locked").start_offset == 0.0  # training's spread dropped
    assert evaluation_env(trained, "locked", start_offset=0.01).start_offset == 0.01


def test_cli_plots_the_curves(capsys, config_file, tmp_path):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    assert (tmp_path / "tiny" / "curves.png").stat().st_size > 1000
    assert main(["train", "plot", "--run", str(tmp_path / "nothing")]) == 2


def test_evaluation_keeps_the_training_settings_and_swaps_the_cube():
    trained = EnvConfig(scene=SceneConfig(cube="locked"), action_step=0.15)
    same = evaluation_env(trained, "locked", goal_timeout=7)
    assert same.action_step == 0.15 and same.goal_timeout == 7 and same.scene == trained.scene
    other = evaluation_env(trained, "full", perturbation="glove")
    assert other.scene == SceneConfig(cube="full", perturbation="glove")
    assert other.action_step == 0.15


def test_evaluation_draws_flips_in_every_direction():
    probe = EnvConfig(scene=SceneConfig(cube="locked"), flip_directions=("thumb",))
    assert set(evaluation_env(probe, "locked").flip_directions) == {
        "fingertips", "wrist", "thumb", "little",
    }  # fmt: skip


def test_cli_evaluates_flips_only(capsys, config_file, tmp_path):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    capsys.readouterr()
    args = ["eval", "policy", "--weights", str(tmp_path / "tiny" / "checkpoint.pt"), "--cube",
            "locked", "--episodes", "2", "--envs", "2", "--goal-timeout", "5", "--goals", "flip",
            "--json"]  # fmt: skip
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["goals"] == "flip" and result["rotate_success_rate"] is None
    assert result["flip_success_rate"] is not None


def test_cli_clones_a_policy_into_another_network(capsys, config_file, tmp_path):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    bigger = TINY | {
        "name": "student",
        "ppo": TINY["ppo"] | {"network": {"embed": 8, "hidden": 16, "lstm": 24}},
    }
    student_config = tmp_path / "student.yaml"
    student_config.write_text(yaml.safe_dump(bigger))
    teacher = tmp_path / "tiny" / "checkpoint.pt"
    assert main(["train", "clone", "--teacher", str(teacher), "--config", str(student_config),
                 "--iterations", "2", "--runs", str(tmp_path)]) == 0  # fmt: skip
    student, _ = load_policy(tmp_path / "student" / "policy.safetensors")
    exported = tmp_path / "exported.safetensors"
    assert main(["train", "export", "--checkpoint", str(teacher), "--out", str(exported)]) == 0
    assert load_policy(exported).env == load_policy(teacher).env
    assert main(["train", "export", "--checkpoint", str(teacher), "--out", "x.pt"]) == 2
    assert student.config.lstm == 24
    assert main(["train", "clone", "--teacher", str(tmp_path / "none.pt"), "--config",
                 str(student_config)]) == 2  # fmt: skip


def test_cli_starts_ppo_from_a_cloned_policy_and_refuses_a_mismatch(capsys, yaml_file, tmp_path):
    teacher_config = load_train_config(yaml_file(TINY, "teacher.yaml"))
    teacher = tmp_path / "teacher.safetensors"
    save_policy(TrainingRun(teacher_config, tmp_path / "t").trainer.policy, teacher_config.env,
                teacher)  # fmt: skip
    both = TINY | {"env": TINY["env"] | {"action_step": 0.15, "rotate_action_step": 0.05}}
    config = yaml_file(both)
    assert main(["train", "clone", "--rotate-teacher", str(teacher), "--flip-teacher",
                 str(teacher), "--config", str(config), "--iterations", "1", "--runs",
                 str(tmp_path)]) == 0  # fmt: skip
    student = tmp_path / "tiny" / "policy.safetensors"
    first = load_policy(student).policy.state_dict()
    assert main(["train", "clone", "--rotate-teacher", str(teacher), "--flip-teacher",
                 str(teacher), "--config", str(config), "--iterations", "1", "--runs",
                 str(tmp_path), "--student", str(student),
                 "--learning-rate", "1e-4"]) == 0  # fmt: skip
    clone_log = (tmp_path / "tiny" / "clone_log.jsonl").read_text().splitlines()
    assert [json.loads(line)["iteration"] for line in clone_log] == [1, 2]
    assert all({"kl_rotate", "kl_flip"} <= json.loads(line).keys() for line in clone_log)
    assert main(["train", "clone", "--rotate-teacher", str(teacher), "--flip-teacher",
                 str(teacher), "--config", str(config), "--learning-rate", "0"]) == 2  # fmt: skip
    second = load_policy(student).policy.state_dict()
    assert any(not torch.equal(first[k], second[k]) for k in first)
    runs = tmp_path / "ppo"
    assert main(["train", "policy", "--config", str(config), "--init-policy", str(student),
                 "--runs", str(runs), "--steps", "16"]) == 0  # fmt: skip
    assert load_checkpoint(runs / "tiny" / "checkpoint.pt")["trainer"]["steps"] == 16
    capsys.readouterr()
    wider = TINY["ppo"] | {"network": {"embed": 8, "hidden": 16, "lstm": 24}}
    other = yaml_file(both | {"ppo": wider}, "other.yaml")
    assert main(["train", "policy", "--config", str(other), "--init-policy", str(student),
                 "--runs", str(runs)]) == 2  # fmt: skip
    assert "lstm" in capsys.readouterr().err
    assert main(["train", "clone", "--teacher", str(teacher), "--config", str(other),
                 "--student", str(student), "--runs", str(tmp_path)]) == 2  # fmt: skip
    assert "another network" in capsys.readouterr().err
    assert main(["train", "policy", "--config", str(config), "--init-policy", str(student),
                 "--resume", str(runs / "tiny" / "checkpoint.pt")]) == 2  # fmt: skip
    assert main(["train", "clone", "--rotate-teacher", str(student), "--config", str(config),
                 "--runs", str(tmp_path)]) == 2  # fmt: skip


def test_cli_sharpens_a_checkpoint_that_training_resumes_from(capsys, config_file, tmp_path):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    checkpoint = tmp_path / "tiny" / "checkpoint.pt"
    sharp = tmp_path / "sharp.pt"
    args = ["train", "sharpen", "--checkpoint", str(checkpoint), "--temperature", "0.5"]
    assert main([*args, "--out", str(sharp)]) == 0
    before, after = load_checkpoint(checkpoint), load_checkpoint(sharp)
    head = "head.weight"
    assert torch.allclose(after["trainer"]["policy"][head], before["trainer"]["policy"][head] * 2)
    assert after["trainer"]["steps"] == before["trainer"]["steps"]
    assert after["adr"] == before["adr"] and after["config"] == before["config"]
    for name, value in before["trainer"]["value"].items():
        assert torch.equal(after["trainer"]["value"][name], value)
    again = TrainingRun(load_train_config(config_file), tmp_path / "again")
    again.resume(sharp)
    assert torch.equal(again.trainer.policy.state_dict()[head], after["trainer"]["policy"][head])
    capsys.readouterr()
    for bad in (["--out", str(checkpoint)], ["--out", str(tmp_path / "x.safetensors")],
                ["--out", str(tmp_path / "none" / "x.pt")]):  # fmt: skip
        assert main([*args, *bad]) == 2
    assert main(["train", "sharpen", "--checkpoint", str(checkpoint), "--temperature", "0",
                 "--out", str(tmp_path / "zero.pt")]) == 2  # fmt: skip
    assert main(["train", "sharpen", "--checkpoint", str(tmp_path / "none.pt"),
                 "--temperature", "0.5", "--out", str(tmp_path / "y.pt")]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    other = tmp_path / "other.pt"
    torch.save({"model": {}}, other)
    assert main(["train", "sharpen", "--checkpoint", str(other), "--temperature", "0.5",
                 "--out", str(tmp_path / "z.pt")]) == 2  # fmt: skip
    assert "not a policy checkpoint" in capsys.readouterr().err
    assert main(["train", "export", "--checkpoint", str(other), "--out",
                 str(tmp_path / "z.safetensors")]) == 2  # fmt: skip
    assert "not a policy checkpoint" in capsys.readouterr().err
    assert not any(tmp_path.glob("*.partial"))
    assert not (tmp_path / "y.pt").exists() and not (tmp_path / "z.pt").exists()
    assert not (tmp_path / "z.safetensors").exists()


def test_a_run_started_from_weights_acts_with_them(yaml_file, tmp_path):
    config = load_train_config(yaml_file(TINY))
    source = TrainingRun(config, tmp_path / "a")
    source.run()
    weights = source.trainer.policy
    saved = tmp_path / "a.safetensors"
    save_policy(weights, config.env, saved)
    run = TrainingRun(config.model_copy(update={"seed": 9}), tmp_path / "b")
    load_weights_into(saved, run.trainer.policy)
    for mine, theirs in zip(run.trainer.policy.state_dict().values(),
                            weights.state_dict().values(), strict=True):  # fmt: skip
        assert torch.equal(mine, theirs)


def test_flip_curriculum_is_logged_checkpointed_and_resumed(yaml_file, tmp_path):
    config = load_train_config(
        yaml_file(
            TINY
            | {
                "flip_curriculum": {"decay": 0.9},
                "env": {**TINY["env"], "rotate_probability": 0.0, "goal_timeout": 4},
            }
        )  # fmt: skip
    )
    run = TrainingRun(config, tmp_path / "run")
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert sum(sum(t for _, t in line["flip_directions"].values()) for line in lines) > 0
    assert sum(lines[-1]["flip_weights"].values()) == pytest.approx(1.0)
    state = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    assert sum(state["flip_curriculum"]["tried"].values()) > 0
    run.flip_curriculum.record({"thumb": (5, 5)})  # make the weights uneven, then save
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert again.flip_curriculum.state_dict() == run.flip_curriculum.state_dict()
    assert again.env.envs[0].flip_weights == run.flip_curriculum.weights()
    assert len(set(run.flip_curriculum.weights().values())) > 1


def test_rotation_directions_are_counted_weighed_checkpointed_and_resumed(yaml_file, tmp_path):
    env = {**TINY["env"], "rotate_probability": 1.0, "goal_timeout": 4}
    config = load_train_config(yaml_file(TINY | {"rotate_directions": {"decay": 0.9}, "env": env}))
    run = TrainingRun(config, tmp_path / "run")
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert set(lines[-1]["rotate_directions"]) == {"cw", "ccw"}
    assert sum(t for line in lines for _, t in line["rotate_directions"].values()) > 0
    assert 0.0 < lines[-1]["ccw_probability"] < 1.0
    run.rotate_directions.record({"cw": (5, 5), "ccw": (0, 5)})  # counter-clockwise fails
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert again.rotate_directions.state_dict() == run.rotate_directions.state_dict()
    assert all(e.ccw_probability == run.rotate_directions.weights()["ccw"] for e in again.env.envs)
    assert again.env.envs[0].ccw_probability > 0.5
    plain = TrainingRun(load_train_config(yaml_file(TINY)), tmp_path / "plain")
    assert plain.rotate_directions is None and plain.env.envs[0].ccw_probability == 0.5


def test_layer_lock_is_shared_logged_checkpointed_and_resumed(yaml_file, tmp_path):
    lock = {"start": 3.0, "window": 1, "unlock_at": 0.5, "relock_at": 0.0}
    config = load_train_config(
        yaml_file(TINY | {"layer_lock": lock, "env": {**TINY["env"], "rotate_probability": 1.0}})
    )
    run = TrainingRun(config, tmp_path / "run")
    assert all(env.layer_lock == 3.0 for env in run.env.envs)
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert all(line["layer_lock"] == 3.0 for line in lines)  # no rotation met in 32 steps
    run.layer_lock.record(1, 1)  # one met: unlock a step, then save
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert again.layer_lock.value == 1.5
    assert all(env.layer_lock == 1.5 for env in again.env.envs)


CURRICULA = [
    # config key, its settings, env settings, env attribute and log key, value at first, after
    ("stiffness_ramp", {"start": 0.25, "factor": 2.0, "window": 1, "lower_at": 0.0},
     {"scene": {"cube": "full"}, "rotate_probability": 1.0}, "cube_stiffness", 0.25, 0.5),
    ("start_spread", {"step": 0.5, "window": 1, "widen_at": 0.5, "narrow_at": 0.0},
     {"start_offset": 0.02, "start_yaw": 0.4}, "start_spread", 0.0, 0.5),
    ("restart_reach", {"step": 0.5, "window": 1, "widen_at": 0.5, "narrow_at": 0.0},
     {"goal_restarts": 0.5, "restart_blend": [0.5, 1.0]}, "restart_reach", 0.0, 0.5),
]  # fmt: skip


@pytest.mark.parametrize(("key", "settings", "env", "attribute", "first", "after"), CURRICULA)
def test_a_curriculum_is_shared_logged_checkpointed_and_resumed(
    yaml_file, tmp_path, key, settings, env, attribute, first, after
):
    config = load_train_config(yaml_file(TINY | {"total_steps": 16, key: settings,
                                                 "env": {**TINY["env"], **env}}))  # fmt: skip
    run = TrainingRun(config, tmp_path / "run")
    assert all(getattr(env, attribute) == first for env in run.env.envs)
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert all(line[attribute] == first for line in lines)  # no goal met in 16 steps
    getattr(run, key).record(1, 1)
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert getattr(again, key).value == after
    assert all(getattr(env, attribute) == after for env in again.env.envs)


def test_the_restart_reach_counts_only_the_episodes_it_blends(yaml_file, tmp_path):
    env = {**TINY["env"], "goal_restarts": 0.5, "restart_blend": [0.5, 1.0],
           "blend_goal_restarts": False}  # fmt: skip
    reach = {"step": 0.5, "window": 1, "widen_at": 0.5, "narrow_at": 0.0}
    config = load_train_config(yaml_file(TINY | {"restart_reach": reach, "env": env}))
    run = TrainingRun(config, tmp_path / "run")
    episode = {"successes": 1, "met": {"rotate": 1}, "attempts": {"rotate": 1}, "flips": {},
               "rotations": {}, "restarted": True, "banked": False}  # fmt: skip
    run._episode_end(0, episode)  # a goal restart: not blended, not counted
    assert run.restart_reach.value == 0.0
    run._episode_end(0, episode | {"banked": True})
    assert run.restart_reach.value == 0.5


def test_cli_measures_update_noise(capsys, config_file, tmp_path):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    capsys.readouterr()
    checkpoint = tmp_path / "tiny" / "checkpoint.pt"
    args = ["probe", "update-noise", "--config", str(config_file), "--checkpoint",
            str(checkpoint), "--rollouts", "2", "--json"]  # fmt: skip
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["steps"] == 32 + 2 * 16 and len(result["cosines"]) == 1
    assert len(result["head_entropy"]) == 20
    bad = tmp_path / "bad.pt"
    bad.write_text("not a checkpoint")
    assert main(args[:4] + ["--checkpoint", str(bad), "--rollouts", "2"]) == 2
    assert "cannot read checkpoint" in capsys.readouterr().err


def test_episodes_restarted_from_goal_poses_are_counted_apart(yaml_file, tmp_path):
    run = TrainingRun(load_train_config(yaml_file(TINY)), tmp_path / "run")
    info = {"attempts": {"rotate": 1, "flip": 0}, "met": {"rotate": 1, "flip": 0},
            "flips": {}, "rotations": {"cw": (1, 1)}, "sequels": {"flip>rotate": (1, 1)},
            "start_yaws": {"rotate 20-30": (1, 1)}, "failure": "timeout",
            "goal_places": {"rotate": (30.0, 6.0, 20.0, 4.0, 0.5), "flip": (0.0,) * 5}}  # fmt: skip
    missed = {
        "met": {"rotate": 0, "flip": 0},
        "goal_places": {"rotate": (0.0,) * 5, "flip": (0.0,) * 5},
    }
    run.recent = [info | {"successes": 1, "restarted": False},
                  info | {"successes": 3, "restarted": True},
                  info | missed | {"successes": 0, "restarted": True}]  # fmt: skip
    record = run._log_record(RolloutStats(steps=16, mean_reward=0.0), 1.0)
    assert record["mean_successes"] == pytest.approx(4 / 3)
    assert record["restarted_episodes"] == 2 and record["restarted_mean_successes"] == 1.5
    assert record["restarted_rotate_met"] == 1 and record["restarted_rotate_tried"] == 2
    assert record["goal_offset_mm"] == {"rotate": 30.0, "flip": None, "square": None}
    assert record["goal_yaw_deg"]["rotate"] == 6.0
    assert record["goal_start_offset_mm"] == {"rotate": 20.0, "flip": None, "square": None}
    assert record["goal_tilt_deg"]["rotate"] == 4.0 and record["goal_pose_offset"]["rotate"] == 0.5
    assert record["goal_sequels"]["flip>rotate"] == [3, 3]  # the three episodes' sequels
    assert record["start_yaws"]["rotate 20-30"] == [3, 3]  # and their goals by start turn
    run.recent = [info | {"successes": 1, "restarted": False}]
    assert "restarted_episodes" not in run._log_record(RolloutStats(16, 0.0), 1.0)
    assert "restarted_mean_share" not in record  # every restart at the goal pose itself
    run.recent = [info | {"successes": 1, "restarted": False, "restart_share": None},
                  info | {"successes": 2, "restarted": True, "restart_share": 0.2},
                  info | {"successes": 0, "restarted": True, "restart_share": 0.6}]  # fmt: skip
    record = run._log_record(RolloutStats(16, 0.0), 1.0)
    assert record["restarted_mean_share"] == pytest.approx(0.4)
    assert record["restarted_far_episodes"] == 1 and record["restarted_far_mean_successes"] == 0


def test_the_restart_reach_counts_restarted_episodes_that_met_a_goal(yaml_file, tmp_path):
    settings = {"step": 0.25, "window": 2, "widen_at": 0.5, "narrow_at": 0.0}
    config = load_train_config(yaml_file(TINY | {"restart_reach": settings}))
    run = TrainingRun(config, tmp_path / "run")
    met = {"attempts": {"rotate": 4, "flip": 0}, "met": {"rotate": 1, "flip": 0}, "flips": {},
           "failure": "timeout", "successes": 1}  # fmt: skip
    missed = met | {"met": {"rotate": 0, "flip": 0}, "successes": 0}
    run._episode_end(0, met | {"restarted": False})
    run._episode_end(0, met | {"restarted": False})
    assert run.restart_reach.value == 0.0  # episodes from the settled start do not count
    run._episode_end(0, met | {"restarted": True})  # one goal of four tried: a success
    run._episode_end(0, missed | {"restarted": True})
    assert run.restart_reach.value == 0.25  # one of two restarted episodes met a goal
    run._episode_end(0, missed | {"restarted": True})
    run._episode_end(0, missed | {"restarted": True})
    assert run.restart_reach.value == 0.0


def test_adr_can_leave_restarted_episodes_out_of_its_buffers(yaml_file, tmp_path):
    episode = {"attempts": {"rotate": 1, "flip": 0}, "met": {"rotate": 0, "flip": 0},
               "flips": {}, "failure": "timeout", "successes": 0}  # fmt: skip
    for count_restarts, kept in ((True, 2), (False, 1)):
        adr = {"buffer_size": 5, "count_restarts": count_restarts}
        run = TrainingRun(load_train_config(yaml_file(TINY | {"adr": adr})), tmp_path / "run")
        boundary = Boundary(next(iter(run.adr.ranges)), "high")
        run._episode_end(0, episode | {"episode_tag": boundary, "restarted": True})
        run._episode_end(0, episode | {"episode_tag": boundary, "restarted": False})
        assert len(run.adr.buffers[(boundary.name, "high")]) == kept


def test_the_goal_test_ladders_can_leave_restarted_episodes_out(yaml_file, tmp_path):
    rule = {"levels": 3, "window": 1, "tighten_at": 0.5, "loosen_at": 0.0}
    ladders = {"rotate_tilt": rule | {"loose_tilt": 0.4, "tight_tilt": 0.1},
               "rotate_pose": rule | {"loose_pose": 0.9, "tight_pose": 0.3}}  # fmt: skip
    met = {"attempts": {"rotate": 1, "flip": 0}, "met": {"rotate": 1, "flip": 0}, "flips": {},
           "failure": "timeout", "successes": 1}  # fmt: skip
    for count_restarts, level in ((True, 2), (False, 1)):
        settings = TINY | ladders | {"test_ladders_count_restarts": count_restarts}
        run = TrainingRun(load_train_config(yaml_file(settings)), tmp_path / "run")
        run._episode_end(0, met | {"restarted": True})
        run._episode_end(0, met | {"restarted": False})
        assert run.rotate_tilt.level == run.rotate_pose.level == level


def test_adr_can_count_met_square_goals_as_performance(yaml_file, tmp_path):
    episode = {"attempts": {"rotate": 1, "flip": 0, "square": 3},
               "met": {"rotate": 1, "flip": 0, "square": 2}, "flips": {}, "failure": "timeout",
               "successes": 1, "restarted": False}  # fmt: skip
    for count_square_goals, performance in ((False, 1.0), (True, 3.0)):
        adr = {"buffer_size": 5, "count_square_goals": count_square_goals}
        run = TrainingRun(load_train_config(yaml_file(TINY | {"adr": adr})), tmp_path / "run")
        boundary = Boundary(next(iter(run.adr.ranges)), "low")
        run._episode_end(0, episode | {"episode_tag": boundary})
        assert run.adr.buffers[(boundary.name, "low")] == [performance]


def test_the_greedy_actor_restarts_the_memory_where_the_environment_says_so():
    policy = Policy(observation_sizes(), NetworkConfig(embed=8, hidden=16, lstm=16))
    actor = PolicyActor(policy, n_envs=3)
    infos = [{"fresh_memory": True}, {"fresh_memory": False}, {"released": False}]
    actor.after_step(np.array([False, False, True]), infos)
    assert actor.starts.tolist() == [[1.0, 0.0, 1.0]]  # memory restart, none, episode end


def test_a_sampling_actor_draws_seeded_actions_and_sharpens_toward_the_greedy_ones():
    torch.manual_seed(0)
    policy = Policy(observation_sizes(), NetworkConfig(embed=8, hidden=16, lstm=16))
    with torch.no_grad():
        policy.head.weight.mul_(300.0)  # spread the logits so that greedy and drawn differ
    rng = np.random.default_rng(0)
    obs = {k: rng.normal(size=(4, n)).astype(np.float32) for k, n in observation_sizes().items()}
    greedy = PolicyActor(policy, n_envs=4).act(obs)

    def drawn(temperature, seed):
        generator = torch.Generator().manual_seed(seed)
        return PolicyActor(policy, 4, temperature, generator).act(obs)

    assert np.array_equal(drawn(1.0, 5), drawn(1.0, 5))
    assert not np.array_equal(drawn(1.0, 5), drawn(1.0, 6))
    assert (drawn(1.0, 5) == greedy).mean() < 0.9
    assert np.array_equal(drawn(1e-4, 5), greedy)
    with pytest.raises(ValueError, match="temperature must be at least 0"):
        PolicyActor(policy, 4, -1.0)
    with pytest.raises(ValueError, match="seeded generator"):
        PolicyActor(policy, 4, 1.0)


def test_cli_evaluates_with_drawn_actions_and_a_strict_flip_place(capsys, config_file, tmp_path):
    assert main(["train", "policy", "--config", str(config_file), "--runs", str(tmp_path)]) == 0
    capsys.readouterr()
    args = ["eval", "policy", "--weights", str(tmp_path / "tiny" / "checkpoint.pt"), "--cube",
            "locked", "--episodes", "2", "--envs", "2", "--goal-timeout", "5",
            "--json"]  # fmt: skip
    assert main(args + ["--temperature", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["temperature"] == 1.0
    strictly = ["--flip-radius", "0.02", "--flip-square", "0.2", "--rotate-square", "0.1",
                "--rotate-radius", "0.03", "--rotate-tilt", "0.15",
                "--rotate-pose", "0.3"]  # fmt: skip
    assert main(args + strictly) == 0
    strict = json.loads(capsys.readouterr().out)
    assert (strict["flip_radius"], strict["flip_square"]) == (0.02, 0.2)
    assert (strict["rotate_square"], strict["rotate_radius"]) == (0.1, 0.03)
    assert strict["rotate_tilt"] == 0.15 and "goal_tilt_deg" in strict
    assert strict["rotate_pose"] == 0.3 and "goal_pose_offset" in strict
    assert strict["place_origin"] == "rest" and "goal_start_offset_mm" in strict  # as trained
    assert set(strict["rotate_directions"]) == {"cw", "ccw"}
    assert main(args + ["--flip-radius", "0.02", "--place-origin", "start"]) == 0
    assert json.loads(capsys.readouterr().out)["place_origin"] == "start"
    assert main(args + ["--place-origin", "palm"]) == 2
    assert main(args + ["--flip-radius", "0"]) == 2
    error = capsys.readouterr().err
    assert "evaluation setting flip_radius=0.0: Input should be greater than 0" in error
    assert main(args + ["--rotate-square", "-0.1"]) == 2
    error = capsys.readouterr().err
    assert "evaluation setting rotate_square=-0.1: Input should be greater than 0" in error
    assert main(args + ["--rotate-radius", "0"]) == 2
    error = capsys.readouterr().err
    assert "evaluation setting rotate_radius=0.0: Input should be greater than 0" in error
    assert main(args + ["--rotate-pose", "-1"]) == 2
    error = capsys.readouterr().err
    assert "evaluation setting rotate_pose=-1.0: Input should be greater than 0" in error
    assert main(args + ["--rotate-tilt", "0"]) == 2
    error = capsys.readouterr().err
    assert "evaluation setting rotate_tilt=0.0: Input should be greater than 0" in error
    assert main(args + ["--temperature", "-1"]) == 2
    error = capsys.readouterr().err
    assert "--temperature must be at least 0" in error and "Traceback" not in error
    assert main(args + ["--square-first", "0.17", "--square-radius", "0.02"]) == 0
    squares = json.loads(capsys.readouterr().out)
    assert (squares["square_first"], squares["square_radius"]) == (0.17, 0.02)
    assert "square_success_rate" in squares and "square>rotate" in squares["goal_sequels"]
    assert strict["square_first"] is None and strict["square_radius"] is None  # not asked for
    assert main(args + ["--square-first", "0.8"]) == 2
    error = capsys.readouterr().err
    assert (
        "evaluation setting square_first=0.8: Input should be less than or equal to 0.78" in error
    )
    assert main(args + ["--square-radius", "0"]) == 2
    error = capsys.readouterr().err
    assert "evaluation setting square_radius=0.0: Input should be greater than 0" in error


def test_the_flip_place_is_shared_logged_checkpointed_and_resumed(yaml_file, tmp_path):
    settings = {"loose_radius": 0.08, "tight_radius": 0.02, "levels": 2, "window": 1,
                "tighten_at": 0.5, "loosen_at": 0.0}  # fmt: skip
    config = load_train_config(yaml_file(TINY | {"total_steps": 16, "flip_place": settings}))
    run = TrainingRun(config, tmp_path / "run")
    assert all(env.flip_radius == 0.08 for env in run.env.envs)
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert all(line["flip_place"] == 0.0 for line in lines)  # no flip met in 16 steps
    run.flip_place.record_episode({"flip": 1}, {"flip": 1})
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert again.flip_place.value == 0.5
    assert all(env.flip_radius == pytest.approx(0.05) for env in again.env.envs)
    assert all(env.flip_square == pytest.approx((math.pi / 4 + 0.2) / 2) for env in again.env.envs)
    assert all(env.rotate_square is None for env in again.env.envs)  # flips only by default
    assert all(env.rotate_radius is None for env in again.env.envs)
    squared = config.model_copy(
        update={"flip_place": config.flip_place.model_copy(update={"square_rotations": True})}
    )
    both = TrainingRun(squared, tmp_path / "both")
    both.resume(tmp_path / "run" / "checkpoint.pt")
    assert all(env.rotate_square == pytest.approx(env.flip_square) for env in both.env.envs)
    assert all(env.rotate_radius is None for env in both.env.envs)
    placed = config.model_copy(
        update={"flip_place": config.flip_place.model_copy(update={"place_rotations": True})}
    )
    near = TrainingRun(placed, tmp_path / "near")
    near.resume(tmp_path / "run" / "checkpoint.pt")
    assert all(env.rotate_radius == pytest.approx(0.05) for env in near.env.envs)
    assert all(env.rotate_square is None for env in near.env.envs)
    rotations_only = config.model_copy(
        update={"flip_place": config.flip_place.model_copy(
            update={"place_rotations": True, "square_rotations": True, "flips": False})}
    )  # fmt: skip
    spared = TrainingRun(rotations_only, tmp_path / "spared")
    spared.resume(tmp_path / "run" / "checkpoint.pt")
    assert all(env.rotate_radius == pytest.approx(0.05) for env in spared.env.envs)
    assert all(env.flip_radius is None and env.flip_square is None for env in spared.env.envs)


@pytest.mark.parametrize(("name", "loose", "tight"), [("tilt", 0.4, 0.1), ("pose", 0.9, 0.3)])
def test_the_rotation_ladders_are_shared_logged_checkpointed_and_resumed(
    yaml_file, tmp_path, name, loose, tight
):
    key = f"rotate_{name}"  # the ladder, its log field and the env setting it sets
    settings = {f"loose_{name}": loose, f"tight_{name}": tight, "levels": 3, "window": 1,
                "tighten_at": 0.5, "loosen_at": 0.0}  # fmt: skip
    config = load_train_config(yaml_file(TINY | {"total_steps": 16, key: settings}))
    run = TrainingRun(config, tmp_path / "run")
    assert all(getattr(env, key) == pytest.approx(loose) for env in run.env.envs)
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert all(line[key] == pytest.approx(loose) for line in lines)  # none met
    getattr(run, key).record_episode({"rotate": 1, "flip": 0}, {"rotate": 1, "flip": 5})
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert getattr(again, key).level == 1  # flips are not counted
    step = loose + (tight - loose) / 3
    assert all(getattr(env, key) == pytest.approx(step) for env in again.env.envs)
    plain = TrainingRun(load_train_config(yaml_file(TINY)), tmp_path / "plain")
    plain.resume(tmp_path / "run" / "checkpoint.pt")  # the ladder's state is not needed
    assert all(getattr(env, key) is None for env in plain.env.envs)


def test_the_square_place_is_shared_logged_checkpointed_and_resumed(yaml_file, tmp_path):
    settings = {"loose_radius": 0.06, "tight_radius": 0.01, "levels": 5, "window": 1,
                "tighten_at": 0.5, "loosen_at": 0.0}  # fmt: skip
    env = TINY["env"] | {"square_first": 0.17, "start_yaw": 0.785}
    config = load_train_config(
        yaml_file(TINY | {"total_steps": 16, "env": env, "square_place": settings})
    )
    run = TrainingRun(config, tmp_path / "run")
    assert all(env.square_radius == pytest.approx(0.06) for env in run.env.envs)
    run.run()
    lines = read_log(tmp_path / "run" / "log.jsonl")
    assert all(line["square_radius"] == pytest.approx(0.06) for line in lines)  # none met
    assert all("square_tried" in line for line in lines if line["episodes"])
    run.square_place.record_episode({"square": 1}, {"square": 1})
    run.save()
    again = TrainingRun(config, tmp_path / "again")
    again.resume(tmp_path / "run" / "checkpoint.pt")
    assert again.square_place.level == 1
    assert all(env.square_radius == pytest.approx(0.05) for env in again.env.envs)
