"""Gradient noise scale: the estimator on synthetic gradients, and on a toy PPO trainer."""

import math

import numpy as np
import pytest
import torch

from cubehand.skills.policy import NetworkConfig
from cubehand.skills.ppo import PPOConfig, PPOTrainer
from cubehand.skills.update_noise import measure_update_noise, noise_scale

from .toy_env import SIZES, ToyVectorEnv


def test_noise_scale_recovers_a_known_noise_level():
    generator = torch.Generator().manual_seed(0)
    dim, batch, sigma = 2000, 100, 3.0
    signal = torch.zeros(dim)
    signal[:10] = 1.0  # |G|^2 = 10, tr(S) = dim * sigma^2, so B_noise = 3,600 samples
    grads = [signal + torch.randn(dim, generator=generator) * sigma / math.sqrt(batch)
             for _ in range(40)]  # fmt: skip
    cosines, scale = noise_scale(grads, batch)
    assert len(cosines) == 40 * 39 // 2
    assert scale == pytest.approx(dim * sigma**2 / 10.0, rel=0.3)
    assert 0.0 < np.mean(cosines) < 0.1  # batch far below the noise scale: mostly noise


def test_identical_gradients_agree_and_opposite_ones_give_no_scale():
    g = torch.tensor([1.0, 2.0, -1.0])
    cosines, scale = noise_scale([g, g.clone()], batch=64)
    assert cosines == [pytest.approx(1.0)] and scale == pytest.approx(0.0, abs=1e-9)
    assert noise_scale([g, -g], batch=64)[1] is None
    with pytest.raises(ValueError):
        noise_scale([g], batch=64)


def test_measure_on_a_trainer_reports_every_pair_and_head():
    config = PPOConfig(rollout_steps=8, network=NetworkConfig(embed=8, hidden=16, lstm=16))
    trainer = PPOTrainer(ToyVectorEnv(4), SIZES, config, seed=1)
    before = [p.detach().clone() for p in trainer.policy.parameters()]
    noise = measure_update_noise(trainer, rollouts=3)
    assert noise.batch == 8 * 4 and len(noise.cosines) == 3
    heads = trainer.policy.head.out_features // config.network.bins
    assert len(noise.head_entropy) == heads
    assert all(0.0 < h <= math.log(config.network.bins) + 1e-6 for h in noise.head_entropy)
    # A measurement, not an update: the networks are unchanged.
    assert all(torch.equal(a, b) for a, b in zip(before, trainer.policy.parameters(), strict=True))
    assert trainer.steps == 3 * 8 * 4
