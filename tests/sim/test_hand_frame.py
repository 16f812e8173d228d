"""The hand frame helpers: quaternions and the rotation that brings a face up."""

import numpy as np
import pytest

from cubehand.sim.hand_frame import (
    HOME_IN_HAND,
    UP,
    face_tilt,
    faces_by_place,
    home_symmetry,
    rotation_bringing_up,
    rotation_quaternion,
    squared,
    yaw_off_square,
)
from cubehand.solver.facelets import FACE_NORMALS, FACES
from cubehand.solver.orientation import all_orientations, matrix_to_quaternion


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


def test_rotation_quaternion_matches_the_solver_convention():
    rng = np.random.default_rng(0)
    rotations = [_random_rotation(rng) for _ in range(50)]
    rotations += [o.matrix.astype(float) for o in all_orientations()]  # signs on the edge
    for rotation in rotations:
        expected = np.array(matrix_to_quaternion(rotation))
        np.testing.assert_allclose(rotation_quaternion(rotation), expected, atol=1e-12)


@pytest.mark.parametrize("face", FACES)
def test_rotation_bringing_up_points_the_face_up_by_its_tilt(face):
    rng = np.random.default_rng(FACES.index(face))
    for _ in range(20):
        pose = _random_rotation(rng)
        turned = rotation_bringing_up(pose, face)
        np.testing.assert_allclose(turned @ np.array(FACE_NORMALS[face], float), UP, atol=1e-9)
        # The smallest rotation: it turns the cube by exactly the face's tilt.
        angle = np.arccos(np.clip((np.trace(turned @ pose.T) - 1) / 2, -1, 1))
        assert angle == pytest.approx(face_tilt(pose, face), abs=1e-6)


def test_rotation_bringing_up_an_upside_down_face_is_a_half_turn():
    turned = rotation_bringing_up(np.eye(3), "D")
    np.testing.assert_allclose(turned @ np.array(FACE_NORMALS["D"], float), UP, atol=1e-12)
    assert np.linalg.det(turned) == pytest.approx(1.0)


def _turn_about_up(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


@pytest.mark.parametrize("orientation", list(all_orientations())[:24:5])
@pytest.mark.parametrize(
    ("turn", "off"),
    [(0.0, 0.0), (0.3, 0.3), (-0.3, 0.3), (1.2, np.pi / 2 - 1.2), (np.pi / 4, np.pi / 4)],
)
def test_yaw_off_square_is_the_turn_about_the_palm_normal_from_the_nearest_quarter(
    orientation, turn, off
):
    pose = _turn_about_up(turn) @ orientation.matrix.astype(float)
    assert yaw_off_square(pose) == pytest.approx(off, abs=1e-9)


@pytest.mark.parametrize("orientation", list(all_orientations())[:24:5])
@pytest.mark.parametrize(
    ("turn", "back"), [(0.0, 0.0), (0.3, -0.3), (-0.7, 0.7), (1.2, np.pi / 2 - 1.2)]
)
def test_squared_is_the_smallest_turn_about_the_palm_normal_to_square(orientation, turn, back):
    square = orientation.matrix.astype(float)
    pose = _turn_about_up(turn) @ square
    result = squared(pose)
    assert yaw_off_square(result) == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(result, _turn_about_up(back) @ pose, atol=1e-9)


@pytest.mark.parametrize("index", range(24))
def test_home_symmetry_brings_every_orientation_near_home_and_orders_faces_by_place(index):
    rng = np.random.default_rng(index)
    turn = all_orientations()[index].matrix.astype(float)
    angle = rng.uniform(-0.6, 0.6)  # up to 34 degrees about the palm normal
    spin = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0],
                     [0, 0, 1]])  # fmt: skip
    cube_in_hand = spin @ HOME_IN_HAND @ turn.T  # home, relabelled by one of the 24 turns
    symmetry = home_symmetry(cube_in_hand)
    assert np.allclose(symmetry.matrix, turn)  # a signed permutation: exactly the turn undone
    assert np.allclose(cube_in_hand @ symmetry.matrix, spin @ HOME_IN_HAND)
    order = faces_by_place(symmetry)
    assert sorted(order) == list(range(6))
    for place, face in zip(FACES, order, strict=True):  # that face lies where place did
        now = cube_in_hand @ np.array(FACE_NORMALS[FACES[face]], dtype=float)
        assert np.allclose(now, spin @ HOME_IN_HAND @ np.array(FACE_NORMALS[place], dtype=float))
    if index == 0:
        assert list(order) == list(range(6))
