"""Progress bars and tables shared by the commands."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

#: Seconds between two plain progress lines when the output is not a terminal.
LINE_INTERVAL = 30.0


class LineProgress(Progress):
    """A progress display for output that is not a terminal (a log file, a pipe).

    Rich draws nothing there until the end; this prints one plain line per task at most
    every ``interval`` seconds, and when a task completes: its label, the count, the share
    done, the time spent and an estimate of the time left.
    """

    def __init__(
        self, *columns: str | ProgressColumn, label: str, interval: float = LINE_INTERVAL,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*columns, **kwargs)
        self.label = label
        self.interval = interval
        self._last_line: dict[TaskID, float] = {}

    def add_task(self, *args: Any, **kwargs: Any) -> TaskID:
        task_id = super().add_task(*args, **kwargs)
        self._last_line[task_id] = self.get_time()
        return task_id

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        self._report(task_id)

    def update(self, task_id: TaskID, **kwargs: Any) -> None:
        super().update(task_id, **kwargs)
        self._report(task_id)

    def _report(self, task_id: TaskID) -> None:
        task = next(task for task in self.tasks if task.id == task_id)
        now = self.get_time()
        if not task.finished and now - self._last_line[task_id] < self.interval:
            return
        if task.finished and self._last_line[task_id] == float("inf"):
            return  # its last line is already out
        self._last_line[task_id] = float("inf") if task.finished else now
        remaining = None if task.finished else task.time_remaining
        line = plain_progress_line(self.label, task.completed, task.total, task.elapsed, remaining)
        self.console.print(line, highlight=False)


def plain_progress_line(
    label: str, completed: float, total: float | None, elapsed: float | None,
    remaining: float | None = None,
) -> str:  # fmt: skip
    """``label: 12/160 (7.5%), 3 min 5 s, about 38 min 2 s left``: the count (and share) done,
    the time spent and, where known, the time left (Rich's estimate from its recent speed,
    so items already done when the task began do not count)."""
    line = f"{label}: {completed:,.0f}"
    if total:
        line += f"/{total:,.0f} ({100 * completed / total:.1f}%)"
    line += f", {_duration(elapsed or 0.0)}"
    if remaining is not None:
        line += f", about {_duration(remaining)} left"
    return line


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def progress_display(
    label: str, *columns: str | ProgressColumn, console: Console, transient: bool = False
) -> Progress:
    """A Rich progress bar on a terminal; plain periodic lines (:class:`LineProgress`) in a
    log file or pipe, where a live bar would show nothing until the end."""
    if console.is_terminal:
        return Progress(*columns, console=console, transient=transient)
    return LineProgress(*columns, label=label, console=console, transient=transient)


def counting_progress(label: str) -> Progress:
    """A transient bar on stderr counting items (states, episodes) toward a total."""
    return progress_display(
        label, TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
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
