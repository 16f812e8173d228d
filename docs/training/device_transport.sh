#!/bin/bash
# Builds what a lent GPU machine needs to render and train the pose network, since it has no
# package index: .whl (Python 3.12 wheels of the packages its image lacks), .devsite
# (gymnasium-robotics' hand assets, found by find_spec, and a kociemba stand-in: the burst
# never solves) and .gl (GL and EGL loader packages). Run from the repository root on this
# machine; the three folders are kept out of git through .git/info/exclude. Then pass them as
# the device call's carry: [".gl", ".whl", ".devsite"] (see vision_device_run.sh).
set -euo pipefail
PY=${PY:-.venv/bin/python}
for d in .whl .gl .devsite; do grep -qx "/$d/" .git/info/exclude 2>/dev/null || echo "/$d/" >> .git/info/exclude; done
mkdir -p .whl .gl .devsite/gymnasium_robotics/envs/assets
platforms="--platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 --platform manylinux1_x86_64"
version() { $PY -m pip show "$1" | sed -n 's/^Version: //p'; }
for package in mujoco mujoco-core pydantic pydantic-core annotated-types typing-inspection gymnasium farama-notifications typer rich glfw pyopengl; do
  $PY -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    $platforms -d .whl "$package==$(version $package)" 2>&1 | grep -v '^WARNING' || true
done
assets=$($PY -c 'import importlib.util, pathlib; print(pathlib.Path(importlib.util.find_spec("gymnasium_robotics").submodule_search_locations[0]) / "envs/assets")')
cp -r "$assets/hand" "$assets/stls" "$assets/textures" .devsite/gymnasium_robotics/envs/assets/
touch .devsite/gymnasium_robotics/__init__.py
cat > .devsite/kociemba.py <<'PYEOF'
"""Transport stand-in: the device burst renders and trains; it never solves."""


def solve(*args, **kwargs):
    raise RuntimeError("kociemba is not installed on the device machine")
PYEOF
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial
apt-get $o update > /dev/null
(cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 2> /dev/null)
du -sh .whl .gl .devsite
