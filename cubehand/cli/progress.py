"""Progress bars and tables shared by the commands."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table


def counting_progress(label: str) -> Progress:
    """A transient bar on stderr counting items (states, episodes) toward a total."""
    return Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    )  # fmt: skip


def measure_table(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    """A two-column table of measures and their values."""
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    return table
