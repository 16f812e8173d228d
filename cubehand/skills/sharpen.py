"""Sharpen a trained policy: divide its action logits by a temperature, in its weights.

PPO draws training actions from the policy's categorical heads as they are (temperature 1),
while evaluation acts greedily. Where the drawn actions meet far fewer goals than the greedy
ones (the twenty-eighth session's counter-clockwise turns: 11/11 greedy, 2/11 drawn),
training sees too few successes to keep a skill by. Dividing the logits by ``temperature``
below 1 in the weights themselves makes PPO draw from the sharper distribution from then on,
and leaves every greedy action unchanged. A pure function of the network: no simulator.
"""

from __future__ import annotations

import math

import torch

from cubehand.skills.policy import GaussianBinsHead, Policy


def sharpen_policy(policy: Policy, temperature: float) -> None:
    """Scale ``policy``'s head in place so that its logits become ``logits / temperature``.

    Raises:
        ValueError: if ``temperature`` is not positive.
    """
    if not temperature > 0:
        raise ValueError(f"temperature must be above 0, got {temperature}")
    with torch.no_grad():
        head = policy.head
        if isinstance(head, GaussianBinsHead):
            # logits are -(centre - mean)^2 / (2 width^2): dividing them by T is a width
            # times sqrt(T).
            head.log_width.add_(0.5 * math.log(temperature))
        else:
            head.weight.div_(temperature)
            head.bias.div_(temperature)
