"""States worth seeing: the mechanical cube in the hand as solving leaves it.

An episode puts the cube on the palm in a random one of its 24 orientations with a random
yaw, gives every centre a random quarter-turn angle (visible by its orientation mark), turns
one layer (usually the top: ``top_layer_share``) part way, lets it settle with the hand in a
random pose (face detents off, so partial turns persist), and then moves the hand at random,
yielding a labelled pose every few control steps until the cube leaves the palm. Every
sample shows its own fair random sticker state (stickers have no mass or contacts, so
repainting them changes nothing physical).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import cubelets
from cubehand.sim.cube_mechanism import reset_mechanism
from cubehand.sim.cube_reader import is_dropped, paint_state
from cubehand.sim.layer_switch import SwitchedLayers
from cubehand.sim.scene import CUBE_REST, CUBE_START, Scene
from cubehand.sim.stepping import blew_up, control_step, rest_ctrl, settle
from cubehand.solver.facelets import FACE_NORMALS, FACES
from cubehand.solver.orientation import all_orientations
from cubehand.solver.scramble import random_state
from cubehand.solver.state import CubeState

QUARTER = np.pi / 2
#: Samples end when the cube centre is this far from its resting point (m): a cube rolled
#: over one edge moves about 5.7 cm; farther is out of the hand and out of the images.
MAX_OFFSET = 0.06


@dataclass(frozen=True)
class PoseLabel:
    """What the vision model must recover from one set of images (world frame)."""

    position: np.ndarray  # cube centre minus the camera target point (m)
    rotation: np.ndarray  # cube frame to world (3 x 3)
    top_angle: float  # angle of the face pointing most upward, in (-pi, pi]


def read_label(scene: Scene, data: mujoco.MjData) -> PoseLabel:
    """The true pose of the mechanical cube now."""
    core = scene.model.body("cube:core").id
    rotation = data.xmat[core].reshape(3, 3).copy()
    up = int(np.argmax([rotation[2] @ np.array(FACE_NORMALS[f]) for f in scene.faces]))
    angle = float(data.qpos[scene.hinge_qpos[up]])
    return PoseLabel(
        position=data.xpos[core] - CUBE_REST,
        rotation=rotation,
        top_angle=float(np.angle(np.exp(1j * angle))),
    )


class PoseSampler:
    """Random in-hand poses of the mechanical cube, one episode at a time.

    Args:
        scene: a full-cube scene.
        steps_between: control steps of random hand motion between two samples.
        samples_per_episode: most samples taken before a new episode starts.
        action_step: largest joint-target change per step, as a fraction of its range.
        top_layer_share: share of episodes whose part-turned layer is the upward one; the
            others turn a random layer (the upward one included).
    """

    def __init__(
        self, scene: Scene, steps_between: int = 6, samples_per_episode: int = 8,
        action_step: float = 0.05, top_layer_share: float = 0.7,
    ) -> None:  # fmt: skip
        if scene.config.cube != "full":
            raise ValueError("vision data comes from the mechanical (full) cube")
        self.scene, self.data = scene, mujoco.MjData(scene.model)
        self.steps_between, self.samples_per_episode = steps_between, samples_per_episode
        self.action_step, self.top_layer_share = action_step, top_layer_share
        model = scene.model
        # No detents: a layer turned part way stays there, so partial angles get seen.
        model.actuator_forcerange[scene.detent_actuators] = 0.0
        switched = isinstance(scene.mechanism, SwitchedLayers)
        self._layers = {face: [] if switched else _layer_balls(model, face) for face in FACES}
        self._orientations = all_orientations()
        self.colours = "U" * 54

    def episodes(self, rng: np.random.Generator) -> Iterator[Iterator[PoseLabel]]:
        """Endless episodes; each yields labels with ``self.data`` showing that pose."""
        while True:
            yield self._episode(rng)

    def _episode(self, rng: np.random.Generator) -> Iterator[PoseLabel]:
        scene, model, data = self.scene, self.scene.model, self.data
        mujoco.mj_resetData(model, data)
        self._paint(random_state(rng))
        orientation = self._orientations[rng.integers(len(self._orientations))]
        yaw = rng.uniform(-np.pi, np.pi)
        world = _yaw(yaw) @ orientation.matrix
        quat = np.zeros(4)
        mujoco.mju_mat2Quat(quat, world.ravel())
        data.qpos[scene.cube_qpos] = [*CUBE_START, *quat]
        up_face = orientation.face_at("U")
        data.qpos[scene.hinge_qpos] = QUARTER * rng.integers(4, size=len(scene.faces))
        reset_mechanism(scene.mechanism, model, data)  # nothing of the last episode carries over
        turned = self._layer_to_turn(rng, up_face)
        angle = rng.uniform(-np.pi / 4, np.pi / 4) if rng.random() < 0.6 else 0.0
        self._turn_layer(turned, angle)
        mujoco.mj_forward(model, data)
        settle(scene, data)
        low, high = scene.hand_ctrl_low, scene.hand_ctrl_high
        rest = rest_ctrl(scene)
        target = low + (high - low) * rng.uniform(0.3, 0.6, low.shape)
        for fraction in np.linspace(0.1, 1.0, 10):
            control_step(scene, data, rest + fraction * (target - rest))
        for _ in range(self.samples_per_episode):
            for _ in range(self.steps_between):
                target = np.clip(
                    target + rng.uniform(-1, 1, low.shape) * self.action_step * (high - low),
                    low, high,
                )  # fmt: skip
                control_step(scene, data, target)
            if self._left_the_hand():
                return
            # Stickers are visual only: a fresh random state for every sample, so that no
            # sticker pattern repeats and only the centres tell the orientation.
            self._paint(random_state(rng))
            yield read_label(scene, data)

    def _layer_to_turn(self, rng: np.random.Generator, up_face: str) -> str:
        """The face whose layer the episode turns part way."""
        return up_face if rng.random() < self.top_layer_share else FACES[rng.integers(6)]

    def _paint(self, state: CubeState) -> None:
        paint_state(self.scene.model, state)
        self.colours = state.facelets
        self.copy_colours()

    def copy_colours(self) -> None:
        """Show the stickers' colours on a turning layer's copies again (call after any
        recolouring of the stickers)."""
        if isinstance(self.scene.mechanism, SwitchedLayers):
            self.scene.mechanism.copy_colours(self.scene.model)

    def _left_the_hand(self) -> bool:
        """Dropped, thrown clear of the palm, or reset by MuJoCo after an instability."""
        data = self.data
        if blew_up(data):
            return True
        offset = data.qpos[self.scene.cube_qpos][:3] - CUBE_REST
        return is_dropped(self.scene, data) or not np.linalg.norm(offset) < MAX_OFFSET

    def _turn_layer(self, face: str, angle: float) -> None:
        """Turn ``face``'s layer by ``angle`` about its normal (centre hinge and cubelets)."""
        index = self.scene.faces.index(face)
        mechanism = self.scene.mechanism
        if isinstance(mechanism, SwitchedLayers) and angle != 0.0:
            mechanism.start_turn(self.scene.model, self.data, index)
        self.data.qpos[self.scene.hinge_qpos[index]] += angle
        turn = np.zeros(4)
        mujoco.mju_axisAngle2Quat(turn, np.array(FACE_NORMALS[face], dtype=float), angle)
        for address in self._layers[face]:
            self.data.qpos[address : address + 4] = turn


def _layer_balls(model: mujoco.MjModel, face: str) -> list[int]:
    """qpos addresses of the ball joints of the non-centre cubelets in ``face``'s layer."""
    normal = np.array(FACE_NORMALS[face])
    return [
        int(model.jnt_qposadr[model.joint(f"cube:ball:{piece.name}").id])
        for piece in cubelets()
        if not piece.is_centre and np.dot(piece.grid, normal) > 0
    ]


def _yaw(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
