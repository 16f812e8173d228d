"""PPO for recurrent policies.

Rollouts are whole sequences of ``rollout_steps`` per environment; the LSTM states at the
start of each rollout are stored, and states are reset wherever an episode starts (or the
environment restarts the memory, info ``fresh_memory``), so the update replays
exactly the computation that acted (truncated backpropagation through the rollout).
Minibatches split the environments, never the time axis. GAE, clipped objective, entropy
bonus, value loss on normalized returns, gradient clipping, normalized advantages.
Episode ends by timeout are treated as terminal (the observation after a timeout is
replaced by the reset, so there is nothing to bootstrap from).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from cubehand.precision import Precision, autocast
from cubehand.skills.policy import Hidden, NetworkConfig, Policy, RunningNorm, ValueNetwork


class VectorEnv(Protocol):
    """What the trainer needs from a batch of environments."""

    n_envs: int

    def reset(self, seed: int) -> dict[str, np.ndarray]: ...

    def step(
        self, actions: np.ndarray
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, list[dict[str, Any]]]: ...


class PPOConfig(BaseModel):
    """PPO hyper-parameters (gamma, lambda and clip from the paper)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rollout_steps: int = Field(64, ge=2, description="steps per environment per rollout")
    epochs: int = Field(4, ge=1)
    minibatches: int = Field(4, ge=1, description="splits of the environments per epoch")
    gamma: float = Field(0.998, gt=0, le=1)
    gae_lambda: float = Field(0.95, ge=0, le=1)
    clip: float = Field(0.2, gt=0)
    learning_rate: float = Field(3e-4, gt=0)
    entropy_coef: float = Field(0.01, ge=0)
    value_coef: float = Field(0.5, ge=0)
    max_grad_norm: float = Field(1.0, gt=0)
    value_warmup_steps: int = Field(
        0,
        ge=0,
        description="for the first this many steps after training starts or resumes only the "
        "value network learns (the policy acts but holds still), so that a policy started "
        "from trained weights, or resumed under changed rewards, meets a critic that "
        "already knows its returns",
    )
    precision: Precision = Field(
        "float32",
        description="number format of the update's forward passes: bfloat16 autocast for the "
        "embeddings, feed-forward layers and LSTM; the heads, losses, weights and optimizer "
        "stay float32, and rollouts are always collected in float32. On a 2-core AMX CPU it "
        "saved nothing at the default sizes and 10-25% at LSTM 1024 (README)",
    )
    network: NetworkConfig = Field(default_factory=NetworkConfig)


@dataclass
class RolloutStats:
    """What happened during one rollout."""

    steps: int
    mean_reward: float
    episodes: list[dict[str, Any]] = field(default_factory=list)
    losses: dict[str, float] = field(default_factory=dict)
    #: Seconds spent collecting the rollout and updating on it.
    collect_seconds: float = 0.0
    update_seconds: float = 0.0


def compute_gae(
    rewards: np.ndarray, values: np.ndarray, dones: np.ndarray, last_values: np.ndarray,
    gamma: float, lam: float,
) -> np.ndarray:  # fmt: skip
    """Generalized advantage estimates for (T, B) arrays; ``dones[t]`` ends an episode after
    step ``t``."""
    advantages = np.zeros_like(rewards)
    running = np.zeros(rewards.shape[1])
    for t in reversed(range(rewards.shape[0])):
        next_values = last_values if t == rewards.shape[0] - 1 else values[t + 1]
        alive = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_values * alive - values[t]
        running = delta + gamma * lam * alive * running
        advantages[t] = running
    return advantages


class PPOTrainer:
    """Collects rollouts from a :class:`VectorEnv` and updates the networks.

    Args:
        env: the environments.
        sizes: length of each observation group.
        config: hyper-parameters.
        seed: seeds torch and the first environment reset.
        on_episode_end: called with (environment index, final info) for each episode.
        update_threads: torch threads for the update, while the environments (and their
            physics threads) wait; ``None`` keeps the threads that collection uses. Results
            are reproducible for a fixed thread count.
    """

    def __init__(
        self, env: VectorEnv, sizes: Mapping[str, int], config: PPOConfig, seed: int,
        on_episode_end: Callable[[int, dict[str, Any]], None] | None = None,
        update_threads: int | None = None,
    ) -> None:  # fmt: skip
        torch.manual_seed(seed)
        self.env, self.config, self.on_episode_end = env, config, on_episode_end
        self.update_threads = update_threads
        self.policy = Policy(sizes, config.network)
        self.value = ValueNetwork(sizes, config.network)
        self.return_norm = RunningNorm(1)
        params = list(self.policy.parameters()) + list(self.value.parameters())
        self.optimizer = torch.optim.Adam(params, lr=config.learning_rate)
        self.steps = 0
        #: Steps before which only the value network learns (see ``value_warmup_steps``).
        self.warmup_until = config.value_warmup_steps
        self.seed = seed
        self.obs = env.reset(seed)
        n = env.n_envs
        self.starts = np.ones(n, dtype=np.float32)
        self.policy_state: Hidden = self.policy.trunk.initial_state(n)
        self.value_state: Hidden = self.value.trunk.initial_state(n)
        self.generator = torch.Generator().manual_seed(seed)

    def train_rollout(self) -> RolloutStats:
        """Collect one rollout and run the PPO epochs on it."""
        tic = time.perf_counter()
        batch, stats = self._collect()
        stats.collect_seconds = time.perf_counter() - tic
        with torch_threads(self.update_threads):
            stats.losses = self._update(batch)
        stats.update_seconds = time.perf_counter() - tic - stats.collect_seconds
        # Observation statistics move only after the update, so that the update replays
        # the exact action probabilities of the rollout.
        self.policy.trunk.update_norms(batch["obs"])
        self.value.trunk.update_norms(batch["obs"])
        return stats

    def sample_rollout(self) -> dict[str, Any]:
        """Collect one rollout without updating on it (diagnostics; the environments and
        generators move on as in training)."""
        return self._collect()[0]

    # -- collection ------------------------------------------------------------------------
    @torch.no_grad()
    def _collect(self) -> tuple[dict[str, Any], RolloutStats]:
        config, n = self.config, self.env.n_envs
        t_steps = config.rollout_steps
        obs_seq = {k: [] for k in self.obs}
        actions, logprobs, rewards, dones, starts, values = [], [], [], [], [], []
        start_policy = tuple(s.clone() for s in self.policy_state)
        start_value = tuple(s.clone() for s in self.value_state)
        episodes = []
        for _ in range(t_steps):
            obs_t = {k: torch.as_tensor(v).unsqueeze(0) for k, v in self.obs.items()}
            start_t = torch.as_tensor(self.starts).unsqueeze(0)
            dist, self.policy_state = self.policy(obs_t, self.policy_state, start_t)
            value, self.value_state = self.value(obs_t, self.value_state, start_t)
            action = draw_bins(dist.probs, self.generator)
            for k, v in self.obs.items():
                obs_seq[k].append(v)
            starts.append(self.starts.copy())
            actions.append(action[0].numpy())
            logprobs.append(dist.log_prob(action).sum(-1)[0].numpy())
            values.append(value[0].numpy())
            self.obs, reward, terminated, truncated, infos = self.env.step(action[0].numpy())
            done = np.logical_or(terminated, truncated).astype(np.float32)
            rewards.append(reward)
            dones.append(done)
            # Memory restarts at episode starts and where the environment says so (the hand
            # opened between goals, or a goal met with memory_per_goal); only episode ends
            # cut the returns.
            self.starts = np.maximum(done, fresh_memory(infos).astype(np.float32))
            for index in np.flatnonzero(done):
                episodes.append(infos[index])
                if self.on_episode_end is not None:
                    self.on_episode_end(int(index), infos[index])
        obs_next = {k: torch.as_tensor(v).unsqueeze(0) for k, v in self.obs.items()}
        last, _ = self.value(obs_next, self.value_state, torch.as_tensor(self.starts).unsqueeze(0))
        scale = float(torch.sqrt(self.return_norm.var + 1e-8))
        values_np = np.array(values) * scale + float(self.return_norm.mean)
        last_np = last[0].numpy() * scale + float(self.return_norm.mean)
        rewards_np, dones_np = np.array(rewards), np.array(dones)
        advantages = compute_gae(
            rewards_np, values_np, dones_np, last_np, config.gamma, config.gae_lambda
        )
        returns = advantages + values_np
        self.return_norm.update(torch.as_tensor(returns).reshape(-1, 1))
        obs_tensors = {k: torch.as_tensor(np.array(v)) for k, v in obs_seq.items()}
        self.steps += t_steps * n
        batch = {
            "obs": obs_tensors,
            "starts": torch.as_tensor(np.array(starts)),
            "actions": torch.as_tensor(np.array(actions)),
            "logprobs": torch.as_tensor(np.array(logprobs)),
            "advantages": torch.as_tensor(advantages, dtype=torch.float32),
            "returns": torch.as_tensor(returns, dtype=torch.float32),
            "policy_state": start_policy,
            "value_state": start_value,
        }
        return batch, RolloutStats(t_steps * n, float(rewards_np.mean()), episodes)

    # -- update ----------------------------------------------------------------------------
    def _update(self, batch: dict[str, Any]) -> dict[str, float]:
        config, n = self.config, self.env.n_envs
        norm_returns = self.return_norm(batch["returns"].unsqueeze(-1)).squeeze(-1)
        totals = {"policy": 0.0, "value": 0.0, "entropy": 0.0, "clip_fraction": 0.0}
        updates = 0
        for _ in range(config.epochs):
            order = torch.randperm(n, generator=self.generator)
            for envs in order.chunk(min(config.minibatches, n)):
                # Whole sequences of a subset of environments, from their stored states.
                obs = {k: v[:, envs] for k, v in batch["obs"].items()}
                starts = batch["starts"][:, envs]
                p_state = tuple(s[:, envs] for s in batch["policy_state"])
                v_state = tuple(s[:, envs] for s in batch["value_state"])
                with autocast("cpu", config.precision):
                    dist, _ = self.policy(obs, p_state, starts)
                    values, _ = self.value(obs, v_state, starts)
                logprob = dist.log_prob(batch["actions"][:, envs]).sum(-1)
                ratio = torch.exp(logprob - batch["logprobs"][:, envs])
                adv = normalized_advantages(batch["advantages"][:, envs])
                clipped = torch.clamp(ratio, 1 - config.clip, 1 + config.clip)
                policy_loss = -torch.min(ratio * adv, clipped * adv).mean()
                value_loss = 0.5 * ((values - norm_returns[:, envs]) ** 2).mean()
                entropy = dist.entropy().sum(-1).mean()
                loss = config.value_coef * value_loss
                if self.steps > self.warmup_until:
                    loss = loss + policy_loss - config.entropy_coef * entropy
                self.optimizer.zero_grad()
                loss.backward()
                params = list(self.policy.parameters()) + list(self.value.parameters())
                torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
                self.optimizer.step()
                totals["policy"] += policy_loss.item()
                totals["value"] += value_loss.item()
                totals["entropy"] += entropy.item()
                totals["clip_fraction"] += float(((ratio - 1).abs() > config.clip).float().mean())
                updates += 1
        return {k: v / updates for k, v in totals.items()}

    # -- checkpoints -----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Networks, normalizers, optimizer, counters and generator states."""
        return {
            "policy": self.policy.state_dict(),
            "value": self.value.state_dict(),
            "return_norm": self.return_norm.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "steps": self.steps,
            "torch_generator": self.generator.get_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` saved. The learning rate stays this trainer's
        configured one (a resumed run may change it), not the one saved with the optimizer."""
        self.policy.load_state_dict(state["policy"])
        self.value.load_state_dict(state["value"])
        self.return_norm.load_state_dict(state["return_norm"])
        self.optimizer.load_state_dict(state["optimizer"])
        for group in self.optimizer.param_groups:
            group["lr"] = self.config.learning_rate
        self.steps = int(state["steps"])
        self.warmup_until = self.steps + self.config.value_warmup_steps
        self.generator.set_state(state["torch_generator"])


def fresh_memory(infos: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Where the policy's memory restarts at the next step, by the environments' infos
    (``fresh_memory``; ``released`` from environments that only open the hand)."""
    return np.array([bool(i.get("fresh_memory", i.get("released", False))) for i in infos])


@contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with ``threads`` torch threads (``None``: as they are), then restore."""
    before = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def normalized_advantages(advantages: torch.Tensor) -> torch.Tensor:
    """Advantages scaled to zero mean and unit spread (per minibatch, as PPO uses them)."""
    return (advantages - advantages.mean()) / (advantages.std() + 1e-8)


def draw_bins(probs: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """One bin from each distribution of ``probs`` (bins on the last axis), drawn with an
    explicit generator (seeded runs); shape ``probs.shape[:-1]``."""
    flat = probs.reshape(-1, probs.shape[-1])
    return torch.multinomial(flat, 1, generator=generator).reshape(probs.shape[:-1])
