"""The switch of :mod:`cubehand.sim.cube_switched`: when a layer breaks away, and when it locks.

Each control step, while the cube is rigid, the twisting load on each layer about its face
axis is read: the torque holding its centre (the lock's constraint force) plus the torques,
about the cube's centre, of the contacts on the whole cube's box that lie in that layer.
When the largest passes ``breakaway``, that layer is switched onto its centre (for loads
within :data:`TIE` of each other the upper layer turns: the lower one rests on the palm). When the
turning face is back within ``release`` of a quarter turn, the layer goes back to the core
at its new places and the lock holds the centre there.

The state lives in ``MjData.eq_active`` (reset with the data); the model's geoms follow it
(:meth:`SwitchedLayers.update` puts them back after a reset).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import cubelets, facelet_at
from cubehand.sim.cube_parts import CORE, hinge_name, sticker_name
from cubehand.sim.cube_switched import (
    HIDDEN_GROUP,
    PIECE_CONTACTS,
    copy_name,
    copy_sticker_name,
    layer_name,
    lock_name,
    rest_name,
    whole_name,
)
from cubehand.solver.facelets import FACE_NORMALS, FACES, STICKER_NORMALS, STICKER_POSITIONS
from cubehand.solver.state import move_rotation_matrix

_NORMALS = np.array([FACE_NORMALS[face] for face in FACES], dtype=float)
_EQUALITY = int(mujoco.mjtConstraint.mjCNSTR_EQUALITY)
QUARTER = np.pi / 2

#: Twisting loads within this fraction of the largest count as a tie.
TIE = 0.8


@dataclass
class _Layer:
    """The geoms one face's switch hides and shows."""

    boxes: np.ndarray  # collision boxes while the face turns: the rest (core) and the layer
    core_geoms: np.ndarray  # the core's 8 pieces of the layer and their stickers (visual)
    copy_geoms: np.ndarray  # their copies on the centre and the copies' stickers (visual)
    core_groups: np.ndarray  # visual groups of core_geoms when shown
    copy_groups: np.ndarray
    copy_stickers: np.ndarray  # (20,) sticker geoms of the copies
    slots: np.ndarray  # (4, 20) core sticker geom under each copy sticker at k quarter turns


@dataclass
class SwitchedLayers:
    """The switch of one compiled switched-layer cube."""

    core: int
    locks: np.ndarray  # (6,) equality ids, URFDLB
    hinge_qpos: np.ndarray  # (6,) qpos addresses of the centre hinges
    lock_face: np.ndarray  # (neq,) face index of each equality, -1 for other equalities
    whole: int  # collision box of the whole cube
    boundary: float  # distance (m) from the centre past which a point is in a face's layer
    layers: list[_Layer]
    release: float
    breakaway: float
    shown: int | None = field(default=None)
    shown_turns: int = field(default=0)  # quarter turns of the shown layer's face at its start

    @classmethod
    def from_model(cls, model: mujoco.MjModel, release: float, breakaway: float) -> SwitchedLayers:
        """Find the locks and geoms that :func:`add_switched_cube` added."""
        locks = np.array([model.equality(lock_name(face)).id for face in FACES])
        lock_face = np.full(model.neq, -1)
        lock_face[locks] = np.arange(len(FACES))
        pieces = [p for p in cubelets() if not p.is_centre]
        grids = np.array([p.grid for p in pieces], dtype=float)
        piece_layers = grids @ _NORMALS.T > 0.5
        sticker_geoms = np.array([model.geom(sticker_name(i)).id for i in range(54)])
        layers = []
        for f, face in enumerate(FACES):
            members = [p for p, inside in zip(pieces, piece_layers[:, f], strict=True) if inside]
            indices = [i for p in members for i in p.facelets]
            core = [model.geom(f"cube:piece:{p.name}").id for p in members]
            core += [int(sticker_geoms[i]) for i in indices]
            copies = [model.geom(copy_name(face, p.name)).id for p in members]
            stickers = [model.geom(copy_sticker_name(face, i)).id for i in indices]
            layers.append(
                _Layer(
                    boxes=np.array(
                        [model.geom(rest_name(face)).id, model.geom(layer_name(face)).id]
                    ),
                    core_geoms=np.array(core),
                    copy_geoms=np.array(copies + stickers),
                    core_groups=model.geom_group[core].copy(),
                    copy_groups=np.array([0] * len(copies) + [1] * len(stickers)),
                    copy_stickers=np.array(stickers),
                    slots=np.array([sticker_geoms[_turned(indices, f, k)] for k in range(4)]),
                )
            )
            _touch(model, layers[-1].boxes, False)  # compiled touchable (see cube_switched)
        whole = model.geom(whole_name()).id
        return cls(
            core=model.body(CORE).id, locks=locks,
            hinge_qpos=np.array([model.jnt_qposadr[model.joint(hinge_name(f)).id] for f in FACES]),
            lock_face=lock_face, whole=whole, boundary=float(model.geom_size[whole, 0] / 3.0),
            layers=layers, release=release, breakaway=breakaway,
        )  # fmt: skip

    def turning_face(self, data: mujoco.MjData) -> int | None:
        """Index (URFDLB) of the face whose layer turns, or None when the cube is rigid."""
        free = np.flatnonzero(data.eq_active[self.locks] == 0)
        return int(free[0]) if len(free) else None

    def is_rigid(self, data: mujoco.MjData) -> bool:
        """Whether every centre is locked."""
        return bool(data.eq_active[self.locks].all())

    def update(self, model: mujoco.MjModel, data: mujoco.MjData, angles: np.ndarray) -> None:
        """Switch a layer on or off for the six face angles ``angles`` (rad, URFDLB)."""
        face = self.turning_face(data)
        if face is not None:
            turns = int(np.round(angles[face] / QUARTER))
            if abs(angles[face] - turns * QUARTER) < self.release:
                self._lock(model, data, face, turns)
            return
        if self.shown is not None:  # the data were reset under a turning layer
            self._show_core(model, self.shown)
        model.eq_data[self.locks, 0] = np.round(angles / QUARTER) * QUARTER
        loads = np.abs(self.twisting_loads(model, data))
        if loads.max() > self.breakaway:
            close = np.flatnonzero(loads >= TIE * loads.max())
            heights = (_NORMALS[close] @ data.xmat[self.core].reshape(3, 3).T)[:, 2]
            self.start_turn(model, data, int(close[np.argmax(heights)]))

    def reset(self, model: mujoco.MjModel, data: mujoco.MjData) -> None:
        """Make the model the rigid cube at ``data``'s hinge angles (after the data were reset
        or the angles set by hand): a shown layer goes back to the core and each lock holds
        its centre at its angle rounded to a quarter turn. Without it, the locks and geoms of
        an earlier episode carry over into the next."""
        if self.shown is not None:
            self._show_core(model, self.shown)
        model.eq_data[self.locks, 0] = np.round(data.qpos[self.hinge_qpos] / QUARTER) * QUARTER
        data.eq_active[self.locks] = 1

    def start_turn(self, model: mujoco.MjModel, data: mujoco.MjData, face: int) -> None:
        """Let face ``face``'s layer turn: unlock its centre and move its pieces onto it."""
        layer = self.layers[face]
        self.shown = face
        self.shown_turns = int(np.round(data.qpos[self.hinge_qpos[face]] / QUARTER))
        self.copy_colours(model)
        _touch(model, np.array([self.whole]), False)
        _touch(model, layer.boxes, True)
        _show(model, layer.core_geoms, None)
        _show(model, layer.copy_geoms, layer.copy_groups)
        data.eq_active[self.locks[face]] = 0

    def copy_colours(self, model: mujoco.MjModel) -> None:
        """Show the core stickers' colours on the turning layer's copies (after the stickers
        were recoloured, such as by visual randomization); nothing while the cube is rigid."""
        if self.shown is None:
            return
        layer = self.layers[self.shown]
        under = layer.slots[self.shown_turns % 4]  # core stickers the copies stood on
        model.geom_rgba[layer.copy_stickers] = model.geom_rgba[under]

    def twisting_loads(self, model: mujoco.MjModel, data: mujoco.MjData) -> np.ndarray:
        """Torque (N m) about each face's axis on that face's layer, from outside the layer."""
        loads = np.zeros(len(FACES))
        rows = np.flatnonzero(data.efc_type == _EQUALITY)
        faces = self.lock_face[data.efc_id[rows]]
        np.subtract.at(loads, faces[faces >= 0], data.efc_force[rows[faces >= 0]])
        count = data.ncon
        if count == 0:
            return loads
        contacts = data.contact
        on1 = contacts.geom1[:count] == self.whole
        on2 = contacts.geom2[:count] == self.whole
        touched = np.flatnonzero(on1 | on2)
        if len(touched) == 0:
            return loads
        local = np.zeros((len(touched), 6))
        for row, i in enumerate(touched):
            mujoco.mj_contactForce(model, data, int(i), local[row])
        # Contact frame rows: the normal (geom1 to geom2), then the tangents; the force
        # acts on geom2, and its opposite on geom1.
        frames = contacts.frame[touched].reshape(-1, 3, 3)
        world = np.einsum("kji,kj->ki", frames, local[:, :3])
        world *= np.where(on2[touched], 1.0, -1.0)[:, None]
        rotation = data.xmat[self.core].reshape(3, 3)
        arm = contacts.pos[touched] - data.xpos[self.core]
        inside = (arm @ rotation) @ _NORMALS.T > self.boundary  # the layers each point is in
        about = np.cross(arm, world) @ (_NORMALS @ rotation.T).T  # about each face axis
        return loads + (inside * about).sum(0)

    def _lock(self, model: mujoco.MjModel, data: mujoco.MjData, face: int, turns: int) -> None:
        layer = self.layers[face]
        model.geom_rgba[layer.slots[turns % 4]] = model.geom_rgba[layer.copy_stickers]
        self._show_core(model, face)
        model.eq_data[self.locks[face], 0] = turns * QUARTER
        data.eq_active[self.locks[face]] = 1

    def _show_core(self, model: mujoco.MjModel, face: int) -> None:
        layer = self.layers[face]
        _touch(model, layer.boxes, False)
        _touch(model, np.array([self.whole]), True)
        _show(model, layer.copy_geoms, None)
        _show(model, layer.core_geoms, layer.core_groups)
        self.shown = None


def _show(model: mujoco.MjModel, geoms: np.ndarray, groups: np.ndarray | None) -> None:
    """Show visual ``geoms`` in visual ``groups``, or hide them (``groups`` None)."""
    model.geom_group[geoms] = HIDDEN_GROUP if groups is None else groups


def _touch(model: mujoco.MjModel, geoms: np.ndarray, on: bool) -> None:
    """Turn the contacts of collision boxes ``geoms`` on or off."""
    model.geom_contype[geoms] = PIECE_CONTACTS["contype"] if on else 0
    model.geom_conaffinity[geoms] = PIECE_CONTACTS["conaffinity"] if on else 0


def _turned(indices: list[int], face: int, turns: int) -> list[int]:
    """Facelet indices where the stickers ``indices`` sit after ``turns`` quarter turns of
    ``face`` (counter-clockwise about its normal, so clockwise ones negated)."""
    rotation = move_rotation_matrix(FACES[face], -turns % 4)
    return [
        facelet_at(rotation @ STICKER_POSITIONS[i] / 2, rotation @ STICKER_NORMALS[i])
        for i in indices
    ]
