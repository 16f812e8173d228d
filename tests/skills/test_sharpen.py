"""Sharpening a policy divides its action logits by a temperature and keeps greedy actions."""

import copy

import pytest
import torch

from cubehand.skills.policy import NetworkConfig, Policy
from cubehand.skills.sharpen import sharpen_policy

from .toy_env import SIZES


def _policy(head: str) -> Policy:
    torch.manual_seed(0)
    policy = Policy(SIZES, NetworkConfig(embed=8, hidden=16, lstm=16, head=head))
    with torch.no_grad():  # spread the logits (the head starts near zero)
        for parameter in policy.head.parameters():
            parameter.normal_(0.0, 0.5)
    return policy


def _distribution(policy: Policy) -> torch.distributions.Categorical:
    generator = torch.Generator().manual_seed(1)
    obs = {g: torch.randn(3, 2, n, generator=generator) for g, n in SIZES.items()}
    dist, _ = policy(obs, policy.trunk.initial_state(2), torch.zeros(3, 2))
    return dist


@pytest.mark.parametrize("head", ["categorical", "gaussian_bins"])
@pytest.mark.parametrize("temperature", [0.5, 2.0])
def test_sharpened_policy_draws_as_the_original_at_the_temperature(head, temperature):
    policy = _policy(head)
    sharpened = copy.deepcopy(policy)
    sharpen_policy(sharpened, temperature)
    before, after = _distribution(policy), _distribution(sharpened)
    expected = torch.softmax(before.logits / temperature, dim=-1)
    assert torch.allclose(after.probs, expected, atol=1e-6)
    assert torch.equal(after.probs.argmax(-1), before.probs.argmax(-1))
    if temperature < 1:
        assert (after.entropy() < before.entropy()).all()


def test_sharpen_refuses_a_temperature_that_is_not_positive():
    with pytest.raises(ValueError, match="above 0"):
        sharpen_policy(_policy("categorical"), 0.0)
