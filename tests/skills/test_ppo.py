"""Recurrent PPO: advantage arithmetic, state resets, learning on a toy task, resuming."""

import io
import math

import numpy as np
import pytest
import torch

from cubehand.precision import autocast
from cubehand.skills.policy import NetworkConfig, Policy, parameter_count
from cubehand.skills.ppo import PPOConfig, PPOTrainer, compute_gae, fresh_memory

from .toy_env import SIZES, MidEpisodeFlagToyEnv, ToyVectorEnv

SMALL = PPOConfig(
    rollout_steps=16, epochs=4, minibatches=2, learning_rate=3e-3, gamma=0.9,
    network=NetworkConfig(embed=16, hidden=32, lstm=32),
)  # fmt: skip


def test_gae_matches_a_hand_computation():
    rewards = np.array([[1.0], [0.0], [2.0]])
    values = np.array([[0.5], [0.4], [0.3]])
    dones = np.array([[0.0], [1.0], [0.0]])
    last = np.array([1.0])
    gamma, lam = 0.9, 0.8
    # Episode ends after step 1, so step 1 does not bootstrap and step 0 sees only step 1.
    d2 = 2.0 + gamma * 1.0 - 0.3
    d1 = 0.0 - 0.4
    d0 = 1.0 + gamma * 0.4 - 0.5
    expected = [d0 + gamma * lam * d1, d1, d2]
    assert np.allclose(compute_gae(rewards, values, dones, last, gamma, lam)[:, 0], expected)


def test_lstm_state_resets_where_an_episode_starts():
    policy = Policy(SIZES, SMALL.network)
    obs = {g: torch.randn(3, 2, 4) for g in SIZES}
    state = tuple(torch.randn(1, 2, 32) for _ in range(2))
    starts = torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    dist_a, _ = policy(obs, state, starts)
    dist_b, _ = policy(obs, policy.trunk.initial_state(2), starts)
    # Environment 0 starts fresh, so the incoming state does not matter; environment 1 does.
    assert torch.allclose(dist_a.logits[:, 0], dist_b.logits[:, 0])
    assert not torch.allclose(dist_a.logits[:, 1], dist_b.logits[:, 1])


def test_policy_has_twenty_heads_of_eleven_bins():
    policy = Policy(SIZES, NetworkConfig())
    dist, _ = policy(
        {g: torch.zeros(1, 3, 4) for g in SIZES}, policy.trunk.initial_state(3), torch.ones(1, 3)
    )
    assert dist.logits.shape == (1, 3, 20, 11)
    assert parameter_count(policy) < 2_000_000


def test_gaussian_bins_head_is_an_ordered_bell_whose_width_is_learned():
    config = NetworkConfig(embed=16, hidden=32, lstm=32, head="gaussian_bins", initial_width=0.5)
    policy = Policy(SIZES, config)
    obs = {g: torch.zeros(1, 3, 4) for g in SIZES}
    dist, _ = policy(obs, policy.trunk.initial_state(3), torch.ones(1, 3))
    assert dist.probs.shape == (1, 3, 20, 11)
    probs = dist.probs[0, 0, 0]
    # Mean near 0 at the start: symmetric about the middle bin, falling away from it.
    torch.testing.assert_close(probs, probs.flip(0), atol=0.02, rtol=0)
    assert torch.all(probs[:5] < probs[1:6]) and int(probs.argmax()) == 5

    # A mean past the top end puts the most mass on the top bin; a narrower width sharpens it.
    def top_bin() -> float:
        return float(
            policy(obs, policy.trunk.initial_state(3), torch.ones(1, 3))[0].probs[0, 0, 0, -1]
        )

    with torch.no_grad():
        policy.head.mean.bias.fill_(1.5)
        top_wide = top_bin()
        policy.head.log_width.fill_(math.log(0.1))
        top_narrow = top_bin()
    assert top_wide > 0.3 and top_narrow > 0.99
    assert policy.head.log_width.requires_grad


def test_during_the_value_warmup_only_the_value_network_learns():
    config = SMALL.model_copy(update={"value_warmup_steps": 16 * 4})
    trainer = PPOTrainer(ToyVectorEnv(4), SIZES, config, seed=0)
    weights = [p.detach().clone() for p in trainer.policy.parameters()]
    values = [p.detach().clone() for p in trainer.value.parameters()]

    def unchanged(before, module):
        return all(torch.equal(a, p) for a, p in zip(before, module.parameters(), strict=True))

    trainer.train_rollout()  # 64 steps: still warming up
    assert unchanged(weights, trainer.policy) and not unchanged(values, trainer.value)
    trainer.train_rollout()  # 128 steps: the policy learns too
    assert not unchanged(weights, trainer.policy)


def test_a_resumed_trainer_warms_its_value_network_up_again():
    config = SMALL.model_copy(update={"value_warmup_steps": 16 * 4})
    trained = PPOTrainer(ToyVectorEnv(4), SIZES, config, seed=0)
    for _ in range(3):
        trained.train_rollout()
    resumed = PPOTrainer(ToyVectorEnv(4), SIZES, config, seed=0)
    resumed.load_state_dict(trained.state_dict())
    assert resumed.warmup_until == 3 * 64 + 64
    weights = [p.detach().clone() for p in resumed.policy.parameters()]
    resumed.train_rollout()
    assert all(torch.equal(a, p) for a, p in zip(weights, resumed.policy.parameters(), strict=True))
    resumed.train_rollout()
    assert not all(
        torch.equal(a, p) for a, p in zip(weights, resumed.policy.parameters(), strict=True)
    )


@pytest.mark.parametrize("head", ["categorical", "gaussian_bins"])
def test_ppo_learns_the_toy_task(head):
    network = NetworkConfig(embed=16, hidden=32, lstm=32, head=head)
    trainer = PPOTrainer(ToyVectorEnv(8), SIZES, SMALL.model_copy(update={"network": network}), 0)
    first = trainer.train_rollout().mean_reward
    for _ in range(25):
        last = trainer.train_rollout().mean_reward
    assert first < 0.3
    assert last > 0.8


def test_ppo_learns_the_toy_task_with_a_bfloat16_update():
    config = SMALL.model_copy(update={"precision": "bfloat16"})
    trainer = PPOTrainer(ToyVectorEnv(8), SIZES, config, 0)
    first = trainer.train_rollout().mean_reward
    for _ in range(25):
        stats = trainer.train_rollout()
    assert first < 0.3
    assert stats.mean_reward > 0.8
    assert stats.update_seconds > 0 and stats.collect_seconds > 0
    assert all(p.dtype == torch.float32 for p in trainer.policy.parameters())


def test_resuming_from_a_checkpoint_continues_identically():
    a = PPOTrainer(ToyVectorEnv(4), SIZES, SMALL, seed=1)
    for _ in range(2):
        a.train_rollout()
    buffer = io.BytesIO()
    torch.save(a.state_dict(), buffer)  # through bytes, as a checkpoint file would be
    buffer.seek(0)
    saved = torch.load(buffer, weights_only=True)
    b = PPOTrainer(ToyVectorEnv(4), SIZES, SMALL, seed=1)
    b.load_state_dict(saved)
    # Same networks, optimizer and generator; give both the same environment position.
    b.obs, b.starts = a.obs, a.starts.copy()
    b.policy_state = tuple(s.clone() for s in a.policy_state)
    b.value_state = tuple(s.clone() for s in a.value_state)
    b.env = a.env.__class__(4)
    b.env.__dict__.update(
        {k: (v.copy() if hasattr(v, "copy") else v) for k, v in a.env.__dict__.items()}
    )
    b.env.rng = np.random.default_rng()
    b.env.rng.bit_generator.state = a.env.rng.bit_generator.state
    stats_a, stats_b = a.train_rollout(), b.train_rollout()
    assert stats_a.mean_reward == stats_b.mean_reward
    for pa, pb in zip(a.policy.parameters(), b.policy.parameters(), strict=True):
        assert torch.equal(pa, pb)


def test_a_resumed_run_takes_its_configured_learning_rate():
    a = PPOTrainer(ToyVectorEnv(4), SIZES, SMALL, seed=1)
    a.train_rollout()
    slower = SMALL.model_copy(update={"learning_rate": 1e-4})
    b = PPOTrainer(ToyVectorEnv(4), SIZES, slower, seed=1)
    b.load_state_dict(a.state_dict())
    assert [group["lr"] for group in b.optimizer.param_groups] == [1e-4] * len(
        b.optimizer.param_groups
    )
    assert b.optimizer.state_dict()["state"]  # Adam's moments came with the checkpoint


def test_the_update_replays_the_rollouts_probabilities_exactly():
    trainer = PPOTrainer(ToyVectorEnv(4), SIZES, SMALL, seed=1)
    for _ in range(2):  # the second rollout runs with moved observation statistics
        batch, _ = trainer._collect()
        dist, _ = trainer.policy(batch["obs"], batch["policy_state"], batch["starts"])
        replayed = dist.log_prob(batch["actions"]).sum(-1)
        torch.testing.assert_close(replayed, batch["logprobs"], atol=1e-5, rtol=0)
        trainer._update(batch)
        trainer.policy.trunk.update_norms(batch["obs"])
        trainer.value.trunk.update_norms(batch["obs"])


def test_a_bfloat16_update_replays_the_rollouts_probabilities_closely():
    trainer = PPOTrainer(
        ToyVectorEnv(4), SIZES, SMALL.model_copy(update={"precision": "bfloat16"}), 1
    )
    batch, _ = trainer._collect()
    with torch.no_grad(), autocast("cpu", trainer.config.precision):
        dist, _ = trainer.policy(batch["obs"], batch["policy_state"], batch["starts"])
        values, _ = trainer.value(batch["obs"], batch["value_state"], batch["starts"])
    assert dist.logits.dtype == torch.float32 and values.dtype == torch.float32
    replayed = dist.log_prob(batch["actions"]).sum(-1)
    gap = (replayed - batch["logprobs"]).abs()
    assert float(gap.max()) > 0  # the trunk really ran in bfloat16
    assert float(gap.max()) < 0.02  # far inside PPO's clip range


def test_feed_forward_ablation_ignores_history_and_can_see_privileged():
    config = NetworkConfig(embed=16, hidden=32, lstm=32, recurrent=False)
    policy = Policy(SIZES, config)
    obs = {g: torch.randn(3, 2, 4) for g in SIZES}
    starts = torch.zeros(3, 2)
    state = tuple(torch.randn(1, 2, 32) for _ in range(2))
    dist_a, _ = policy(obs, state, starts)
    dist_b, _ = policy(obs, policy.trunk.initial_state(2), starts)
    assert torch.allclose(dist_a.logits, dist_b.logits)
    assert "privileged" not in policy.trunk.groups
    seeing = Policy(SIZES, config.model_copy(update={"policy_sees_privileged": True}))
    assert "privileged" in seeing.trunk.groups


def test_memory_restarts_where_the_hand_was_opened_but_returns_run_on():
    trainer = PPOTrainer(MidEpisodeFlagToyEnv(2, "released"), SIZES, SMALL, seed=0)
    batch, stats = trainer._collect()
    starts = batch["starts"][:, 0].tolist()
    # Rollout steps 0 (first reset), 5 (after the opening) and 10 (a new episode) start fresh.
    assert [t for t, s in enumerate(starts) if s] == [0, 5, 10, 15]
    assert len(stats.episodes) == 2 * 1  # only the episode end counts as an episode


def test_the_update_runs_on_its_own_thread_count_and_collection_keeps_its_own():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        trainer = PPOTrainer(ToyVectorEnv(4), SIZES, SMALL, seed=1, update_threads=2)
        seen = []
        update = trainer._update

        def recording_update(batch):
            seen.append(torch.get_num_threads())
            return update(batch)

        trainer._update = recording_update
        trainer.train_rollout()
        assert seen == [2]
        assert torch.get_num_threads() == 1  # restored for the next collection
    finally:
        torch.set_num_threads(before)


def test_memory_restarts_where_the_environment_says_so():
    infos = [{"fresh_memory": True, "released": False}, {"fresh_memory": False},
             {"released": True}, {}]  # fmt: skip
    assert fresh_memory(infos).tolist() == [True, False, True, False]
