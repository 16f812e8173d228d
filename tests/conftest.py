"""Test-wide set-up: headless rendering.

MuJoCo picks its OpenGL backend when it is first imported, and test modules may import it
before cubehand (whose package init sets the same default), so it is set here first.
"""

import os
import sys

import pytest

if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
    os.environ.setdefault("MUJOCO_GL", "egl")


@pytest.fixture
def yaml_file(tmp_path):
    """Write a mapping as a YAML file in the test's folder; returns a writer."""
    import yaml

    def write(data: dict, name: str = "tiny.yaml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data))
        return path

    return write
