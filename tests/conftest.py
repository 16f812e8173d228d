"""Test-wide set-up: headless rendering.

MuJoCo picks its OpenGL backend when it is first imported, and test modules may import it
before cubehand (whose package init sets the same default), so it is set here first.
"""

import os
import sys

if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
    os.environ.setdefault("MUJOCO_GL", "egl")
