"""The full cube's interior as switched welds: the turning layer one rigid body, the rest another.

A real cube's pieces are held in line by its interior (centre caps over the feet of the
edges and corners). The bevelled boxes on ball joints of :mod:`cubehand.sim.cube_full` have
no interior: pushed sideways like a fingertip pushes them, the top layer's pieces tilt a few
degrees on their ball joints and catch on the layer below, and the layer jams near 0.2 rad
under a push that turns the locked cube's top (``cubehand bench mechanism``).

By default (breakaway mode, ``weld_breakaway`` set) every piece is welded to the core
while no face turns. Each control step the welds' twisting load about each face axis is
read from the constraint forces; when one layer's passes ``weld_breakaway``, that layer's
eight pieces are welded to its centre instead (for loads within ``TIE`` of each other, the
upper layer turns: the lower one rests on the palm), and when the face is back within
``weld_release`` of a quarter turn the whole cube is welded rigid again. The pieces then
need no contacts with each other (:mod:`cubehand.sim.cube_full` turns them off), and the
cube cannot come apart in the hand.

With ``weld_breakaway`` None the pieces are free between turns and their contacts decide
which face starts to turn: once a face is turned past ``weld_engage`` from its nearest
quarter turn, the same welds make its pieces move with its centre and every other piece,
the other five centres included, with the core; each piece is welded at its aligned pose,
so the welds also take out any tilt it had. This happens only when that face alone is off:
several faces jolted out of line at once are left to the contacts, since welding them back
in line would snap them with large forces. At ``weld_release`` every weld lets go.

The state lives in ``MjData.eq_active`` (reset with the data); the aligned poses are written
into the model's weld data on engaging.
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco
import numpy as np

from cubehand.sim.cube_geometry import cubelets
from cubehand.sim.cube_params import CubeParams
from cubehand.sim.cube_parts import CORE, hinge_name
from cubehand.solver.facelets import FACE_NORMALS, FACES

_NORMALS = np.array([FACE_NORMALS[face] for face in FACES], dtype=float)


#: Impedance of the welds (MuJoCo solimp): stiffer than the default (0.9, 0.95), so that a
#: rigid cube's centre gives about 0.002 rad under 0.02 N m instead of 0.023 rad.
WELD_SOLIMP = [0.99, 0.999, 0.001, 0.5, 2.0]

_EQUALITY = int(mujoco.mjtConstraint.mjCNSTR_EQUALITY)

#: Twisting loads within this fraction of the largest count as a tie.
TIE = 0.8


def weld_name(piece: str, target: str) -> str:
    """Name of the weld holding ``piece`` to ``target`` (a face letter, or ``core``)."""
    return f"cube:weld:{piece}:{target}"


def add_layer_welds(spec: mujoco.MjSpec) -> None:
    """Inactive welds: every piece to the core, every non-centre piece to each centre."""
    for piece in cubelets():
        targets = ["core"] if piece.is_centre else ["core", *FACES]
        for target in targets:
            weld = spec.add_equality(
                type=mujoco.mjtEq.mjEQ_WELD, objtype=mujoco.mjtObj.mjOBJ_BODY,
                name1=f"cube:{piece.name}", name2=CORE if target == "core" else f"cube:{target}",
            )  # fmt: skip
            weld.name = weld_name(piece.name, target)
            weld.solimp = WELD_SOLIMP
            weld.active = False


@dataclass
class LayerWelds:
    """The welds of one compiled full cube and the switch that engages them.

    ``breakaway`` may change between episodes (a training curriculum sets it); switching it
    between None and a torque would not change the pieces' contacts, so only the torque
    should change.
    """

    core: int
    piece_bodies: np.ndarray  # (26,) body ids, cubelet order (centres first, URFDLB)
    home: np.ndarray  # (26, 3) grid positions of the pieces in the core frame
    to_core: np.ndarray  # (26,) weld ids
    to_centre: np.ndarray  # (26, 6) weld ids, -1 for the centres
    ball_dofs: np.ndarray  # (20, 3) degrees of freedom of the non-centre pieces' ball joints
    hinge_dofs: np.ndarray  # (6,) the centres' hinges
    engage: float
    release: float
    breakaway: float | None = None

    @classmethod
    def of(cls, model: mujoco.MjModel, params: CubeParams) -> LayerWelds | None:
        """The welds of a full cube built with ``params``; None if it was built without."""
        if not params.layer_welds:
            return None
        return cls.from_model(model, params.weld_engage, params.weld_release, params.weld_breakaway)

    @classmethod
    def from_model(
        cls, model: mujoco.MjModel, engage: float, release: float, breakaway: float | None = None
    ) -> LayerWelds:
        """Find the welds that :func:`add_layer_welds` added."""
        pieces = cubelets()
        to_centre = np.full((len(pieces), len(FACES)), -1)
        for index, piece in enumerate(pieces):
            if not piece.is_centre:
                to_centre[index] = [model.equality(weld_name(piece.name, f)).id for f in FACES]
        return cls(
            core=model.body(CORE).id,
            piece_bodies=np.array([model.body(f"cube:{p.name}").id for p in pieces]),
            home=np.array([p.grid for p in pieces], dtype=float),
            to_core=np.array([model.equality(weld_name(p.name, "core")).id for p in pieces]),
            to_centre=to_centre,
            ball_dofs=np.array(
                [
                    model.jnt_dofadr[model.joint(f"cube:ball:{p.name}").id] + np.arange(3)
                    for p in pieces
                    if not p.is_centre
                ]
            ),
            hinge_dofs=np.array([model.jnt_dofadr[model.joint(hinge_name(f)).id] for f in FACES]),
            engage=engage,
            release=release,
            breakaway=breakaway,
        )

    def turning_face(self, data: mujoco.MjData) -> int | None:
        """Index (URFDLB) of the face whose layer is welded to turn, or None when free
        or rigid."""
        free_centres = np.flatnonzero(~data.eq_active[self.to_core[: len(FACES)]].astype(bool))
        if not data.eq_active[self.to_core].any() or len(free_centres) != 1:
            return None
        return int(free_centres[0])

    def is_rigid(self, data: mujoco.MjData) -> bool:
        """Whether every piece is welded to the core."""
        return bool(data.eq_active[self.to_core].all())

    def update(self, model: mujoco.MjModel, data: mujoco.MjData, angles: np.ndarray) -> None:
        """Engage or release the welds for the six face angles ``angles`` (rad, URFDLB)."""
        quarter = np.pi / 2
        off = np.abs(angles - np.round(angles / quarter) * quarter)
        face = self.turning_face(data)
        if self.breakaway is not None:
            self._update_rigid(model, data, off, face)
            return
        if face is not None and off[face] < self.release:
            data.eq_active[:] = 0
            face = None
        turning = np.flatnonzero(off > self.engage)
        if face is None and len(turning) == 1:  # several at once: a jolt, not a turn
            self._engage(model, data, int(turning[0]))

    def _update_rigid(
        self, model: mujoco.MjModel, data: mujoco.MjData, off: np.ndarray, face: int | None
    ) -> None:
        if face is not None:
            if off[face] < self.release:
                self._weld_all(model, data)
            return
        if not self.is_rigid(data):
            self._weld_all(model, data)
            return
        loads = np.abs(self.twisting_loads(model, data))
        if loads.max() > self.breakaway:
            # Opposite layers twisted against each other carry equal loads: the middle layer
            # stays with the lower one (the one a palm or table holds), the upper one turns.
            close = np.flatnonzero(loads >= TIE * loads.max())
            heights = (_NORMALS[close] @ data.xmat[self.core].reshape(3, 3).T)[:, 2]
            data.eq_active[:] = 0
            self._engage(model, data, int(close[np.argmax(heights)]))

    def _rotations(self, data: mujoco.MjData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The core's world rotation, each piece's rotation in the core frame (26, 3, 3) and
        which face layers each piece is in now (26, 6; centres only in their own)."""
        core = data.xmat[self.core].reshape(3, 3)
        rotations = core.T @ data.xmat[self.piece_bodies].reshape(-1, 3, 3)
        positions = np.einsum("pij,pj->pi", rotations, self.home)
        return core, rotations, positions @ _NORMALS.T > 0.5

    def _weld_all(self, model: mujoco.MjModel, data: mujoco.MjData) -> None:
        _, rotations, _ = self._rotations(data)
        data.eq_active[:] = 0
        for index, rotation in enumerate(rotations):
            _activate(model, data, self.to_core[index], _aligned(rotation))

    def twisting_loads(self, model: mujoco.MjModel, data: mujoco.MjData) -> np.ndarray:
        """Torque (N m) the welds exert on each face's layer about that face's axis."""
        # An int, not the enum: numpy compares an array with a pybind11 enum element by
        # element in Python (about 170 microseconds for 200 rows).
        rows = data.efc_type == _EQUALITY
        generalized = np.zeros(model.nv)
        mujoco.mj_mulJacTVec(model, data, generalized, np.where(rows, data.efc_force, 0.0))
        core, rotations, in_layer = self._rotations(data)
        pieces = core @ rotations[len(FACES) :]  # the non-centre pieces' world rotations
        axes = _NORMALS @ core.T  # (6, 3) world face axes
        local_axes = np.einsum("pji,fj->pfi", pieces, axes)  # each axis in each piece's frame
        torques = np.einsum("pfi,pi->pf", local_axes, generalized[self.ball_dofs])
        return (torques * in_layer[len(FACES) :]).sum(0) + generalized[self.hinge_dofs]

    def _engage(self, model: mujoco.MjModel, data: mujoco.MjData, face: int) -> None:
        _, rotations, in_layer = self._rotations(data)
        centre = rotations[face]
        for index, rotation in enumerate(rotations):
            if index == face:
                continue
            if index >= len(FACES) and in_layer[index, face]:  # to the turning centre, aligned
                _activate(model, data, self.to_centre[index, face], _aligned(centre.T @ rotation))
            else:
                _activate(model, data, self.to_core[index], _aligned(rotation))


def _aligned(rotation: np.ndarray) -> np.ndarray:
    """The axis-aligned rotation (a signed permutation) nearest ``rotation``."""
    aligned = np.zeros((3, 3))
    for column in range(3):
        row = int(np.argmax(np.abs(rotation[:, column])))
        aligned[row, column] = np.sign(rotation[row, column])
    return aligned


def _activate(model: mujoco.MjModel, data: mujoco.MjData, weld: int, rotation: np.ndarray) -> None:
    """Hold the weld's body1 at ``rotation`` in body2's frame (both frames sit at the core)."""
    quat = np.zeros(4)
    mujoco.mju_mat2Quat(quat, rotation.ravel())
    inverse = np.zeros(4)
    mujoco.mju_negQuat(inverse, quat)
    # Weld data: anchor (3), body2's position (3) and orientation (4) in body1's frame, scale.
    model.eq_data[weld, :11] = [0, 0, 0, 0, 0, 0, *inverse, 1.0]
    data.eq_active[weld] = 1
