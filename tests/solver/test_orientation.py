import numpy as np
import pytest

from cubehand.solver.errors import CubeError
from cubehand.solver.orientation import Orientation, all_orientations, matrix_to_quaternion


def test_there_are_24_distinct_proper_rotations():
    orientations = all_orientations()
    assert len(set(orientations)) == 24
    for orientation in orientations:
        m = orientation.matrix
        assert np.array_equal(m @ m.T, np.eye(3, dtype=int))
        assert round(np.linalg.det(m)) == 1


def test_every_up_front_pair_of_adjacent_faces_is_one_orientation():
    pairs = {(o.up, o.front) for o in all_orientations()}
    assert len(pairs) == 24
    for up, front in pairs:
        assert Orientation.from_up_front(up, front) in all_orientations()


def test_opposite_up_front_is_refused():
    with pytest.raises(CubeError, match="not adjacent"):
        Orientation.from_up_front("U", "D")


def _rotate(quat, vector):
    w, x, y, z = quat
    q_vec = np.array([x, y, z])
    v = np.array(vector, dtype=float)
    return v + 2 * np.cross(q_vec, np.cross(q_vec, v) + w * v)


def test_quaternions_are_unit_and_rotate_like_the_matrix():
    for orientation in all_orientations():
        quat = orientation.quaternion()
        assert np.isclose(np.linalg.norm(quat), 1.0)
        for axis in np.eye(3):
            assert np.allclose(_rotate(quat, axis), orientation.matrix @ axis)


def test_quaternion_of_identity():
    assert matrix_to_quaternion(np.eye(3)) == (1.0, 0.0, 0.0, 0.0)


def test_angle_between_orientations():
    identity = Orientation.identity()
    angles = sorted(round(identity.angle_to(o)) for o in all_orientations())
    # 1 identity, 6 quarter turns about face axes, 3 + 6 half turns, 8 third turns.
    assert angles.count(0) == 1
    assert angles.count(90) == 6
    assert angles.count(180) == 9
    assert angles.count(120) == 8
