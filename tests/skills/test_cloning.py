"""Policy cloning: a student of another size comes to act like its teacher."""

import pytest
import torch

from cubehand.skills.cloning import CloneConfig, PolicyCloner, clone
from cubehand.skills.policy import NetworkConfig, Policy

from .toy_env import SIZES, MidEpisodeFlagToyEnv, ToyVectorEnv


def test_a_smaller_student_learns_the_teachers_choices():
    torch.manual_seed(0)
    teacher = Policy(SIZES, NetworkConfig(embed=16, hidden=32, lstm=32))
    with torch.no_grad():  # an opinionated teacher whose choice depends on the goal
        teacher.head.weight.mul_(300.0)
    student = Policy(SIZES, NetworkConfig(embed=8, hidden=16, lstm=16))
    records = clone(teacher, student, ToyVectorEnv(8), CloneConfig(rollout_steps=16,
                    learning_rate=3e-3), iterations=40, seed=0)  # fmt: skip
    assert records[0]["agreement"] < 0.4
    assert records[-1]["agreement"] > 0.8
    assert records[-1]["kl"] < 0.5 * records[0]["kl"]


class ToyKindsEnv(ToyVectorEnv):
    """The toy task, where goal 1 counts as a rotation and goal 0 as a flip."""

    def goal_kinds(self):
        return ["rotate" if g == 1 else "flip" for g in self.goal]


def _constant_teacher(bin_index: int) -> Policy:
    teacher = Policy(SIZES, NetworkConfig(embed=8, hidden=16, lstm=16))
    with torch.no_grad():  # ignores its input: bin_index on every head, whatever it sees
        teacher.head.weight.zero_()
        teacher.head.bias.view(20, 11)[:, bin_index] = 10.0
    return teacher


def test_a_teacher_per_goal_kind_labels_the_environments_working_on_that_kind():
    teachers = {"rotate": _constant_teacher(10), "flip": _constant_teacher(0)}
    student = Policy(SIZES, NetworkConfig(embed=16, hidden=32, lstm=32))
    cloner = PolicyCloner(teachers, student, ToyKindsEnv(8), CloneConfig(rollout_steps=8), seed=0)
    batch = cloner._collect()
    labels = batch["teacher_logits"].argmax(-1)  # (T, B, 20)
    goals = batch["obs"]["goal_quaternion"][..., 0]  # the goal each label was given for
    expected = torch.where(goals == 1, 10, 0).unsqueeze(-1).expand_as(labels)
    assert torch.equal(labels, expected) and bool((goals == 1).any() and (goals == 0).any())
    # ... and a student cloned from the pair learns the goal-dependent choice.
    records = clone(teachers, student, ToyKindsEnv(8), CloneConfig(rollout_steps=16,
                    learning_rate=1e-2), iterations=30, seed=0)  # fmt: skip
    assert records[0]["agreement"] < 0.4
    assert records[-1]["agreement"] > 0.9
    # The KL is told apart by the teacher that labelled it; the whole lies between the parts.
    last = records[-1]
    low, high = sorted((last["kl_rotate"], last["kl_flip"]))
    assert low <= last["kl"] <= high and records[0]["kl_rotate"] > last["kl_rotate"]


def test_a_teacher_per_goal_kind_needs_an_environment_that_reports_kinds():
    teachers = {"rotate": _constant_teacher(10), "flip": _constant_teacher(0)}
    student = Policy(SIZES, NetworkConfig(embed=8, hidden=16, lstm=16))
    with pytest.raises(TypeError, match="goal_kinds"):
        PolicyCloner(teachers, student, ToyVectorEnv(4), CloneConfig(), seed=0)


def test_cloning_restarts_the_memories_where_the_environment_says_so():
    teacher = Policy(SIZES, NetworkConfig(embed=8, hidden=16, lstm=16))
    student = Policy(SIZES, NetworkConfig(embed=8, hidden=16, lstm=16))
    env = MidEpisodeFlagToyEnv(2, "fresh_memory")
    cloner = PolicyCloner(teacher, student, env, CloneConfig(rollout_steps=16), seed=0)
    starts = cloner._collect()["starts"][:, 0].tolist()
    assert [t for t, s in enumerate(starts) if s] == [0, 5, 10, 15]
