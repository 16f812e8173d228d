"""Progress displays: a Rich bar on a terminal, plain periodic lines elsewhere."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress

from cubehand.cli.progress import LineProgress, plain_progress_line, progress_display


def _file_console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=False, width=200), out


def test_a_terminal_gets_a_rich_bar_and_a_file_gets_lines() -> None:
    terminal = Console(file=io.StringIO(), force_terminal=True)
    assert not isinstance(progress_display("x", console=terminal), LineProgress)
    assert isinstance(progress_display("x", console=terminal), Progress)
    console, _ = _file_console()
    assert isinstance(progress_display("x", console=console), LineProgress)


def test_lines_come_at_the_interval_and_once_at_the_end() -> None:
    console, out = _file_console()
    with LineProgress(label="shards", interval=3600.0, console=console, transient=True) as bar:
        task = bar.add_task("", total=4)
        for _ in range(4):
            bar.advance(task)
        bar.update(task, completed=4)  # already reported as finished: no second line
    lines = [line for line in out.getvalue().splitlines() if line]  # Rich ends with a blank
    assert len(lines) == 1
    assert lines[0].startswith("shards: 4/4 (100.0%)")
    console, out = _file_console()
    with LineProgress(label="shards", interval=0.0, console=console, transient=True) as bar:
        task = bar.add_task("", total=4)
        for _ in range(4):
            bar.advance(task)
    lines = [line for line in out.getvalue().splitlines() if line]  # Rich ends with a blank
    assert [line.split(",")[0] for line in lines] == [
        "shards: 1/4 (25.0%)", "shards: 2/4 (50.0%)", "shards: 3/4 (75.0%)",
        "shards: 4/4 (100.0%)",
    ]  # fmt: skip
    assert "left" not in lines[-1]


def test_plain_line_wording() -> None:
    assert plain_progress_line("training batches", 12, 160, 185.0, 2282.4) == (
        "training batches: 12/160 (7.5%), 3 min 5 s, about 38 min 2 s left"
    )
    assert plain_progress_line("episodes", 3, None, 4000.0) == "episodes: 3, 1 h 6 min"


def test_time_left_follows_the_recent_speed_not_what_was_done_before() -> None:
    console, out = _file_console()
    now = [0.0]
    bar = LineProgress(label="shards", interval=0.0, console=console, get_time=lambda: now[0])
    task = bar.add_task("", total=100)
    bar.update(task, completed=50)  # done by an earlier run: no speed from it
    now[0] = 10.0
    bar.advance(task, 5)
    now[0] = 20.0
    bar.advance(task, 5)  # 10 in 20 s: 0.5 a second, 40 left
    assert out.getvalue().splitlines()[-1].endswith("about 1 min 20 s left")
