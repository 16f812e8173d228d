"""What the policy's memory holds: a linear probe of the LSTM state for the cube's size.

Episodes run with the cube's size drawn per episode (``cube_size`` scale, uniform in
``size_range``); after ``steps`` control steps the policy's LSTM state (hidden and cell) is
recorded with whether the cube was larger than the range's middle. A logistic regression
fitted on the first part of the episodes predicts the label for the rest; the held-out
accuracy says how much of the size the memory has picked up (the paper reported 0.68 to
0.83; 0.5 is chance).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from cubehand.evaluation import EVAL_SEED_OFFSET, LoadedPolicy, PolicyActor
from cubehand.sim.env import CubeEnv
from cubehand.sim.randomization import nominal_ranges


def collect_memories(
    loaded: LoadedPolicy, episodes: int, steps: int, seed: int,
    size_range: tuple[float, float] = (0.9, 1.1),
    on_episode: Callable[[], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """LSTM states (episodes, features) after ``steps`` steps and the larger-than-middle
    labels (episodes,)."""
    env = CubeEnv(loaded.env, ranges={**nominal_ranges(), "cube_size": size_range})
    middle = sum(size_range) / 2
    features, labels = [], []
    for episode in range(episodes):
        obs, _ = env.reset(seed=EVAL_SEED_OFFSET + seed * 100_000 + episode)
        actor = PolicyActor(loaded.policy)
        for _ in range(steps):
            obs, _, terminated, truncated, info = env.step(actor.act_one(obs))
            if terminated or truncated:
                break
            actor.after_step(np.array([False]), [info])
        features.append(torch.cat([s.reshape(-1) for s in actor.state]).numpy())
        labels.append(env.values["cube_size"] > middle)
        if on_episode is not None:
            on_episode()
    return np.array(features), np.array(labels, dtype=float)


def probe_accuracy(
    features: np.ndarray, labels: np.ndarray, train_fraction: float = 0.7, seed: int = 0
) -> dict[str, Any]:
    """Fit a logistic regression on a training split; accuracy on the held-out rest."""
    count = len(labels)
    split = int(round(train_fraction * count))
    if split < 2 or count - split < 1:
        raise ValueError(f"too few episodes ({count}) for a train/held-out split")
    mean, std = features[:split].mean(0), features[:split].std(0) + 1e-6
    x = torch.as_tensor((features - mean) / std, dtype=torch.float32)
    y = torch.as_tensor(labels, dtype=torch.float32)
    torch.manual_seed(seed)
    model = torch.nn.Linear(x.shape[1], 1)
    optimizer = torch.optim.LBFGS(model.parameters(), max_iter=200)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        logits = model(x[:split]).squeeze(-1)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[:split])
        loss = loss + 1e-2 * model.weight.pow(2).sum()  # keeps it from memorizing
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        predicted = (model(x[split:]).squeeze(-1) > 0).float()
    return {
        "episodes": count,
        "held_out": count - split,
        "accuracy": float((predicted == y[split:]).float().mean()),
        "majority_baseline": float(max(y[split:].mean(), 1 - y[split:].mean())),
    }
