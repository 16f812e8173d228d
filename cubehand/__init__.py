"""cubehand: a robot hand that solves a Rubik's cube with learned skills, in simulation."""

import os
import sys

# Headless Linux renders through EGL (Mesa runs it on the CPU). MuJoCo reads MUJOCO_GL when
# it is first imported, so the default is set here, before any cubehand module imports it.
if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
    os.environ.setdefault("MUJOCO_GL", "egl")
