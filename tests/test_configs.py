"""Every config in configs/ is the record of a run: each must still load with today's schema."""

from pathlib import Path

import pytest

from cubehand.perception.training import load_vision_config
from cubehand.training import load_train_config

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.yaml"))


def test_the_configs_folder_is_found():
    assert len(CONFIGS) > 10


@pytest.mark.parametrize("path", CONFIGS, ids=[path.name for path in CONFIGS])
def test_each_config_loads(path):
    loader = load_vision_config if path.name.startswith("vision") else load_train_config
    config = loader(path)
    assert config.name == path.stem
