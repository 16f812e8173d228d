"""The memory probe: the classifier finds a signal that is there and none that is not."""

import json

import numpy as np

from cubehand.cli.app import main
from cubehand.probes import probe_accuracy

from .cli.test_solve_cli import weights  # noqa: F401  (fixture)


def test_probe_finds_a_linear_signal_and_not_noise():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 200).astype(float)
    noise = rng.normal(size=(200, 32))
    signal = noise.copy()
    signal[:, 3] += 5 * (labels - 0.5)
    assert probe_accuracy(signal, labels)["accuracy"] > 0.9
    assert probe_accuracy(noise, labels)["accuracy"] < 0.75


def test_cli_probe_memory(capsys, weights):  # noqa: F811
    assert main(["probe", "memory", "--episodes", "6", "--steps", "3", "--weights",
                 str(weights), "--json"]) == 0  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert result["episodes"] == 6 and 0.0 <= result["accuracy"] <= 1.0
