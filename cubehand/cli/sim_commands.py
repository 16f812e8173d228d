"""``cubehand render`` (a PNG of the hand holding a cube) and ``cubehand view`` (the viewer)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import imageio.v3 as iio
import mujoco
import numpy as np
import typer
from rich.console import Console

from cubehand.sim.render import contact_sheet
from cubehand.sim.scene import CubeModel, SceneConfig, build_scene
from cubehand.sim.stepping import control_step, rest_ctrl, settle
from cubehand.solver.errors import CubeError
from cubehand.solver.moves import format_moves, parse_moves
from cubehand.solver.scramble import fair_scramble
from cubehand.solver.state import CubeState

_console = Console(soft_wrap=True)

CubeOption = Annotated[CubeModel, typer.Option(help="full (mechanical) or locked")]
ScrambleOption = Annotated[str | None, typer.Option(help="face turns applied to a solved cube")]
SeedOption = Annotated[int | None, typer.Option(help="show a fair random state from this seed")]


def render(
    out: Annotated[Path, typer.Option(help="PNG file to write")] = Path("cubehand-scene.png"),
    cube: CubeOption = "full",
    scramble: ScrambleOption = None,
    seed: SeedOption = None,
    size: Annotated[int, typer.Option(help="height of the image in pixels")] = 384,
) -> None:
    """Render the hand holding the cube (after it settles) and the three vision cameras."""
    if not 48 <= size <= 2048:
        raise CubeError(f"--size must lie in 48..2048, got {size}")
    if out.suffix.lower() != ".png":
        raise CubeError(f"--out must name a .png file, got {out}")
    state, label = _chosen_state(scramble, seed)
    scene = build_scene(SceneConfig(cube=cube), state)
    data = mujoco.MjData(scene.model)
    settle(scene, data)
    image = contact_sheet(scene.model, data, size)
    out.parent.mkdir(parents=True, exist_ok=True)
    iio.imwrite(out, image)
    _console.print(f"wrote {out} ({cube} cube, {label})", highlight=False)


def view(
    cube: CubeOption = "full",
    scramble: ScrambleOption = None,
    seed: SeedOption = None,
) -> None:
    """Open the MuJoCo viewer on the scene (needs a display; the hand holds its rest pose)."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        raise CubeError("cubehand view needs a display; use cubehand render to write a PNG")
    import mujoco.viewer

    state, _ = _chosen_state(scramble, seed)
    scene = build_scene(SceneConfig(cube=cube), state)
    data = mujoco.MjData(scene.model)
    ctrl = rest_ctrl(scene)
    with mujoco.viewer.launch_passive(scene.model, data) as viewer:
        while viewer.is_running():
            tic = time.perf_counter()
            control_step(scene, data, ctrl)
            viewer.sync()
            time.sleep(max(0.0, scene.config.control_dt - (time.perf_counter() - tic)))


def _chosen_state(scramble: str | None, seed: int | None) -> tuple[CubeState, str]:
    if scramble is not None and seed is not None:
        raise CubeError("give at most one of --scramble and --seed")
    if scramble is not None:
        moves = parse_moves(scramble)
        return CubeState.solved().apply(moves), format_moves(moves)
    if seed is not None:
        drawn = fair_scramble(np.random.default_rng(seed))
        return drawn.state, f"seed {seed}: {format_moves(drawn.moves)}"
    return CubeState.solved(), "solved"
