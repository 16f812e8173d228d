"""Averaging the weights of pose networks fine-tuned from one another (a "model soup").

Networks that share an ancestor lie in one basin of the loss; the mean of their weights
often judges better than either of them. Batch-norm running statistics are averaged as
the weights are; integer buffers (batch counts) are taken from the first network.
"""

from __future__ import annotations

from pathlib import Path

from cubehand.perception.model import PoseNet
from cubehand.perception.weights import load_vision, save_vision, vision_info
from cubehand.solver.errors import CubeError


def average_networks(paths: list[Path], shares: list[float] | None = None) -> PoseNet:
    """The network whose weights are the ``shares``-weighted mean of those at ``paths``.

    Raises:
        CubeError: with fewer than two networks, shares that do not fit, or networks of
            different configs.
    """
    shares = _checked_shares(paths, shares)
    networks = [load_vision(path) for path in paths]
    first = networks[0]
    for path, network in zip(paths[1:], networks[1:], strict=True):
        if network.config != first.config:
            raise CubeError(f"{path} holds a different network than {paths[0]}")
    states = [network.state_dict() for network in networks]
    mean = {}
    for key, value in states[0].items():
        if value.is_floating_point():
            mean[key] = sum(share * state[key] for share, state in zip(shares, states, strict=True))
        else:
            mean[key] = value
    first.load_state_dict(mean)
    return first.eval()


def write_average(paths: list[Path], out: Path, shares: list[float] | None = None) -> PoseNet:
    """Average the networks at ``paths`` into ``out``; its info keeps the first's data
    settings (so ``eval vision`` draws the same held-out renders) and names the sources."""
    shares = _checked_shares(paths, shares)
    network = average_networks(paths, shares)
    info = vision_info(paths[0])
    info["averaged_from"] = [
        {"path": str(path), "share": share, "epoch": vision_info(path).get("epoch")}
        for path, share in zip(paths, shares, strict=True)
    ]
    save_vision(network, out, info)
    return network


def _checked_shares(paths: list[Path], shares: list[float] | None) -> list[float]:
    """``shares``, or equal ones; refused unless one per path, none negative, summing to 1."""
    if len(paths) < 2:
        raise CubeError("averaging needs at least two weight files")
    shares = [1.0 / len(paths)] * len(paths) if shares is None else shares
    if len(shares) != len(paths) or min(shares) < 0 or abs(sum(shares) - 1.0) > 1e-6:
        raise CubeError(f"{len(paths)} weight files need as many shares >= 0 summing to 1")
    return shares
