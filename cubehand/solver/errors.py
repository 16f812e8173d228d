"""Error types of the solver layer: each carries a message a person can act on."""

from __future__ import annotations


class CubeError(ValueError):
    """Base class for every error about cube input or solving."""


class NotationError(CubeError):
    """A move string that cannot be parsed."""


class InvalidCubeStateError(CubeError):
    """A facelet string that does not describe a reachable cube state."""


class SolverError(CubeError):
    """The two-phase solver failed or returned a solution that does not solve the cube."""
