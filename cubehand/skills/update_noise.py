"""How much of a PPO update is signal: the gradient noise scale of the policy loss.

Independent rollouts of one policy give policy gradients g_1 .. g_K, each from B samples.
With G the expected gradient and tr(S) the summed per-sample variance,
E[g_i . g_j] = |G|^2 for i != j and E[|g_i|^2] = |G|^2 + tr(S) / B, so the noise scale
B_noise = tr(S) / |G|^2 (McCandlish et al. 2018, "An empirical model of large-batch
training") is estimated as B (mean |g|^2 - mean g_i . g_j) / mean g_i . g_j. A batch much
smaller than B_noise gives updates that are mostly noise; the cosine between two batches'
gradients says the same directly. The per-head entropies say how far each actuator's
distribution is from uniform (log 11 = 2.398 nats for 11 bins).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from cubehand.skills.ppo import PPOTrainer, normalized_advantages


@dataclass(frozen=True)
class UpdateNoise:
    """Gradient agreement between rollouts and the policy's per-head entropy."""

    batch: int
    cosines: list[float]
    noise_scale: float | None
    head_entropy: list[float]

    def as_dict(self) -> dict[str, object]:
        """JSON-ready figures."""
        return {
            "batch": self.batch,
            "mean_cosine": float(np.mean(self.cosines)),
            "cosines": [round(c, 4) for c in self.cosines],
            "noise_scale": self.noise_scale,
            "entropy": float(sum(self.head_entropy)),
            "head_entropy": [round(h, 3) for h in self.head_entropy],
        }


def noise_scale(grads: Sequence[torch.Tensor], batch: int) -> tuple[list[float], float | None]:
    """Pairwise cosines of flattened gradients and the estimated noise scale (None when the
    gradients do not agree on average, so that no finite scale fits)."""
    if len(grads) < 2:
        raise ValueError("need at least two gradients")
    pairs = list(itertools.combinations(grads, 2))
    cosines = [float(a @ b / (a.norm() * b.norm() + 1e-30)) for a, b in pairs]
    squared = float(np.mean([float(g @ g) for g in grads]))
    cross = float(np.mean([float(a @ b) for a, b in pairs]))
    return cosines, (batch * (squared - cross) / cross if cross > 0 else None)


def _policy_gradient(trainer: PPOTrainer, batch: dict) -> tuple[torch.Tensor, np.ndarray]:
    """The gradient of the PPO policy loss at ratio 1 (normalized advantages) and the mean
    entropy of each action head."""
    dist, _ = trainer.policy(batch["obs"], batch["policy_state"], batch["starts"])
    logprob = dist.log_prob(batch["actions"]).sum(-1)
    adv = normalized_advantages(batch["advantages"])
    params = [p for p in trainer.policy.parameters() if p.requires_grad]
    grads = torch.autograd.grad(-(logprob * adv).mean(), params, allow_unused=True)
    flat = torch.cat([g.flatten() for g in grads if g is not None])
    return flat, dist.entropy().mean(dim=(0, 1)).detach().numpy()


def measure_update_noise(
    trainer: PPOTrainer, rollouts: int, on_rollout: Callable[[], None] | None = None
) -> UpdateNoise:
    """Collect ``rollouts`` rollouts of the trainer's policy (no updates) and compare their
    policy gradients."""
    if rollouts < 2:
        raise ValueError(f"need at least two rollouts, got {rollouts}")
    grads, entropies = [], []
    for _ in range(rollouts):
        batch = trainer.sample_rollout()
        grad, entropy = _policy_gradient(trainer, batch)
        grads.append(grad)
        entropies.append(entropy)
        if on_rollout is not None:
            on_rollout()
    size = int(batch["advantages"].numel())
    cosines, scale = noise_scale(grads, size)
    return UpdateNoise(size, cosines, scale, [float(h) for h in np.mean(entropies, axis=0)])
