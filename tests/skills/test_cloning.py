"""Policy cloning: a student of another size comes to act like its teacher."""

import torch

from cubehand.skills.cloning import CloneConfig, clone
from cubehand.skills.policy import NetworkConfig, Policy

from .toy_env import SIZES, ToyVectorEnv


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
