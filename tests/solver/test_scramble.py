import numpy as np

from cubehand.solver.cubie import permutation_parity
from cubehand.solver.scramble import fair_scramble, random_cubie
from cubehand.solver.state import CubeState


def test_random_cubies_obey_the_cube_laws():
    rng = np.random.default_rng(1)
    for _ in range(300):
        cubie = random_cubie(rng)
        assert sorted(cubie.cp) == list(range(8))
        assert sorted(cubie.ep) == list(range(12))
        assert sum(cubie.co) % 3 == 0
        assert sum(cubie.eo) % 2 == 0
        assert permutation_parity(cubie.cp) == permutation_parity(cubie.ep)


def test_random_states_are_spread_uniformly():
    rng = np.random.default_rng(2)
    draws = [random_cubie(rng) for _ in range(4000)]
    # Where corner URF goes, its twist, and the permutation parity are each near uniform.
    position_counts = np.bincount([c.cp.index(0) for c in draws], minlength=8)
    twist_counts = np.bincount([c.co[0] for c in draws], minlength=3)
    parity_counts = np.bincount([permutation_parity(c.cp) for c in draws], minlength=2)
    assert np.all(np.abs(position_counts / 4000 - 1 / 8) < 0.02)
    assert np.all(np.abs(twist_counts / 4000 - 1 / 3) < 0.03)
    assert np.all(np.abs(parity_counts / 4000 - 1 / 2) < 0.03)


def test_scramble_produces_its_state_and_is_seeded():
    first = fair_scramble(np.random.default_rng(5))
    again = fair_scramble(np.random.default_rng(5))
    other = fair_scramble(np.random.default_rng(6))
    assert first == again
    assert first.state != other.state
    assert CubeState.solved().apply(first.moves) == first.state
    assert len(first.moves) >= 2
