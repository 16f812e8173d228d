"""Episodes' ``{key: (met, tried)}`` outcome counts summed over many episodes (flips by
direction, goals by what came before them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def sum_met_tried(
    outcomes: Iterable[Mapping[str, tuple[int, int]]], keys: Iterable[str]
) -> dict[str, list[int]]:
    """The episodes' counts summed into ``[met, tried]`` for each of ``keys``, in their order
    (``[0, 0]`` where none was tried)."""
    totals = {key: [0, 0] for key in keys}
    for episode in outcomes:
        for key, (met, tried) in episode.items():
            totals[key][0] += met
            totals[key][1] += tried
    return totals
