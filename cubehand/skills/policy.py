"""The recurrent policy and value networks (asymmetric actor-critic).

Both networks embed each observation group with its own linear layer, sum the embeddings,
apply a feed-forward layer and an LSTM. The policy ends in 20 categorical heads of 11 bins
(one per actuator), either with free logits per bin or, with ``head: gaussian_bins``, with
logits that a mean and a width shape as a Gaussian over the ordered bins (neighbouring bins
then share credit, and the width can shrink for all states at once, as a continuous Gaussian
policy's does); the value network also sees the privileged group and ends in one value.
Observation groups are normalized by running statistics kept inside the network, so a
checkpoint carries them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

import torch
from pydantic import BaseModel, ConfigDict, Field
from torch import nn

POLICY_GROUPS: tuple[str, ...] = (
    "fingertips", "hand_targets", "cube_position", "cube_quaternion", "goal_quaternion",
    "relative_goal_quaternion", "face_angles", "goal_face_angles", "relative_face_angles",
)  # fmt: skip
VALUE_GROUPS: tuple[str, ...] = (*POLICY_GROUPS, "privileged")

Hidden = tuple[torch.Tensor, torch.Tensor]


class NetworkConfig(BaseModel):
    """Layer sizes (small enough to train on two CPU cores)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    embed: int = Field(128, ge=8, description="width of each group's embedding")
    hidden: int = Field(256, ge=8, description="width of the feed-forward layer")
    lstm: int = Field(256, ge=8, description="LSTM state size")
    recurrent: bool = Field(
        True, description="false replaces the LSTM by a feed-forward layer (for ablations)"
    )
    policy_sees_privileged: bool = Field(
        False, description="give the policy the critic's privileged group too (ablations)"
    )
    actuators: int = Field(20, ge=1)
    bins: int = Field(11, ge=2)
    head: Literal["categorical", "gaussian_bins"] = Field(
        "categorical",
        description="free logits per bin, or logits of a Gaussian over the ordered bins "
        "(a mean per actuator from the network, a width per actuator learned for all states)",
    )
    initial_width: float = Field(
        1.0, gt=0, description="gaussian_bins: starting width, in units where the bins span -1..1"
    )


class RunningNorm(nn.Module):
    """Running mean and variance of a feature vector (updated only when asked)."""

    def __init__(self, size: int, clip: float = 10.0) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(size))
        self.register_buffer("var", torch.ones(size))
        self.register_buffer("count", torch.tensor(1e-4))
        self.clip = clip

    def update(self, batch: torch.Tensor) -> None:
        """Fold a batch (any leading shape) into the statistics."""
        flat = batch.reshape(-1, batch.shape[-1]).double()
        mean, var, count = flat.mean(0), flat.var(0, unbiased=False), flat.shape[0]
        total = self.count + count
        delta = mean - self.mean
        self.mean += (delta * count / total).float()
        self.var = ((self.var * self.count + var * count + delta**2 * self.count * count / total)
                    / total).float()  # fmt: skip
        self.count = total.float()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.clamp((x - self.mean) / torch.sqrt(self.var + 1e-8), -self.clip, self.clip)


class RecurrentTrunk(nn.Module):
    """Normalize, embed and sum the groups, then feed-forward and LSTM."""

    def __init__(self, sizes: Mapping[str, int], groups: Sequence[str], config: NetworkConfig):
        super().__init__()
        self.groups = tuple(groups)
        self.norms = nn.ModuleDict({g: RunningNorm(sizes[g]) for g in self.groups})
        self.embeddings = nn.ModuleDict({g: nn.Linear(sizes[g], config.embed) for g in self.groups})
        self.feed_forward = nn.Sequential(
            nn.ReLU(), nn.Linear(config.embed, config.hidden), nn.ReLU()
        )
        self.state_size = config.lstm
        self.recurrent = config.recurrent
        if config.recurrent:
            self.lstm = nn.LSTM(config.hidden, config.lstm)
        else:  # same output width, no memory; the state passes through untouched
            self.memoryless = nn.Sequential(nn.Linear(config.hidden, config.lstm), nn.Tanh())

    def initial_state(self, batch: int) -> Hidden:
        """Zero LSTM state for ``batch`` environments."""
        zeros = torch.zeros(1, batch, self.state_size)
        return zeros, zeros.clone()

    def update_norms(self, obs: Mapping[str, torch.Tensor]) -> None:
        """Fold observations into the running statistics."""
        for group in self.groups:
            self.norms[group].update(obs[group])

    def forward(
        self, obs: Mapping[str, torch.Tensor], state: Hidden, starts: torch.Tensor
    ) -> tuple[torch.Tensor, Hidden]:
        """Run a sequence. ``obs[g]`` is (T, B, size); ``starts`` (T, B) marks the steps that
        begin a new episode, where the LSTM state is reset before the step."""
        embedded = sum(self.embeddings[g](self.norms[g](obs[g])) for g in self.groups)
        features = self.feed_forward(embedded)
        if not self.recurrent:
            return self.memoryless(features), state
        outputs = []
        h, c = state
        # Run the LSTM over stretches with no episode start inside them (one call each),
        # zeroing the state of the environments that start a new episode at a stretch's head.
        boundaries = [0, *[t for t in range(1, len(starts)) if bool(starts[t].any())], len(starts)]
        for begin, end in zip(boundaries[:-1], boundaries[1:], strict=True):
            keep = (1.0 - starts[begin]).view(1, -1, 1)
            out, (h, c) = self.lstm(features[begin:end], (h * keep, c * keep))
            outputs.append(out)
        return torch.cat(outputs), (h, c)


class GaussianBinsHead(nn.Module):
    """Logits of a Gaussian over ordered bins: a mean per actuator from the features and a
    log-width per actuator shared by all states. Bin centres span -1..1; the mean is not
    squashed, so a mean past either end concentrates the mass on that end's bin."""

    def __init__(self, features: int, actuators: int, bins: int, initial_width: float) -> None:
        super().__init__()
        self.mean = nn.Linear(features, actuators)
        nn.init.orthogonal_(self.mean.weight, gain=0.01)
        nn.init.zeros_(self.mean.bias)
        self.log_width = nn.Parameter(torch.full((actuators,), math.log(initial_width)))
        self.register_buffer("centres", torch.linspace(-1.0, 1.0, bins), persistent=False)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Logits of shape (*features.shape[:-1], actuators, bins)."""
        mean = self.mean(features).unsqueeze(-1)
        variance = torch.exp(2.0 * self.log_width).unsqueeze(-1)
        return -((self.centres - mean) ** 2) / (2.0 * variance)


class Policy(nn.Module):
    """Actor: observation groups to 20 categorical distributions over 11 bins."""

    def __init__(self, sizes: Mapping[str, int], config: NetworkConfig) -> None:
        super().__init__()
        self.config = config
        groups = VALUE_GROUPS if config.policy_sees_privileged else POLICY_GROUPS
        self.trunk = RecurrentTrunk(sizes, groups, config)
        self.head: nn.Module
        if config.head == "gaussian_bins":
            self.head = GaussianBinsHead(
                config.lstm, config.actuators, config.bins, config.initial_width
            )
        else:
            self.head = nn.Linear(config.lstm, config.actuators * config.bins)
            nn.init.orthogonal_(self.head.weight, gain=0.01)
            nn.init.zeros_(self.head.bias)

    def forward(
        self, obs: Mapping[str, torch.Tensor], state: Hidden, starts: torch.Tensor
    ) -> tuple[torch.distributions.Categorical, Hidden]:
        features, state = self.trunk(obs, state, starts)
        logits = float32_head(self.head, features).view(
            *features.shape[:2], self.config.actuators, self.config.bins
        )
        return torch.distributions.Categorical(logits=logits), state


class ValueNetwork(nn.Module):
    """Critic: all groups, privileged included, to one value."""

    def __init__(self, sizes: Mapping[str, int], config: NetworkConfig) -> None:
        super().__init__()
        self.trunk = RecurrentTrunk(sizes, VALUE_GROUPS, config)
        self.head = nn.Linear(config.lstm, 1)

    def forward(
        self, obs: Mapping[str, torch.Tensor], state: Hidden, starts: torch.Tensor
    ) -> tuple[torch.Tensor, Hidden]:
        features, state = self.trunk(obs, state, starts)
        return float32_head(self.head, features).squeeze(-1), state


def float32_head(head: nn.Module, features: torch.Tensor) -> torch.Tensor:
    """``head(features)`` in float32 even inside a bfloat16 autocast region, so that action
    probabilities and values keep full precision (PPO's ratios compare them with float32
    rollouts)."""
    with torch.autocast(features.device.type, enabled=False):
        return head(features.float())


def parameter_count(module: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
