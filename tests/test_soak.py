"""Soak: 20 consecutive solves in one process do not grow the memory (run with -m slow).

Environments hold reference cycles, so their memory comes back at Python's next cyclic
collection rather than at once; the soak collects after every solve and compares the 20th
with the 3rd (the first solves load the solver's tables and the renderer's libraries).
"""

import gc
import os
import resource

import numpy as np
import pytest

from cubehand.evaluation import SHIPPED_WEIGHTS, load_policy
from cubehand.skills.scheduler import SchedulerConfig, plan
from cubehand.solve import solve_in_simulation
from cubehand.solver.orientation import Orientation
from cubehand.solver.scramble import fair_scramble
from cubehand.solver.two_phase import TwoPhaseSolver


def resident_bytes() -> int:
    """Resident set size of this process now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize()


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_twenty_solves_do_not_grow_memory():
    loaded = load_policy(SHIPPED_WEIGHTS)
    solver = TwoPhaseSolver()
    rng = np.random.default_rng(0)
    sizes = []
    for index in range(20):
        scheduled = plan(fair_scramble(rng, solver).state, Orientation.identity(), solver,
                         SchedulerConfig())  # fmt: skip
        solve_in_simulation(loaded, scheduled, "full", seed=index)
        gc.collect()
        sizes.append(resident_bytes())
    print("resident MiB after solves 3 and 20:", sizes[2] / 2**20, sizes[-1] / 2**20)
    assert sizes[-1] <= 1.10 * sizes[2]
