"""Training curves: a PNG from any run log, old or new."""

import json

from cubehand.plots import _curriculum_panel, _windowed, plot_training_log


def test_plot_draws_logs_with_and_without_episode_figures(tmp_path):
    log = tmp_path / "log.jsonl"
    records = [
        {"steps": 4096 * (i + 1), "mean_reward": 0.01 * i, "episodes": i % 3}
        | ({"mean_successes": 1.5, "rotate_met": 2, "rotate_tried": 3} if i % 3 else {})
        for i in range(30)
    ]
    log.write_text("\n".join(json.dumps(r) for r in records))
    out = plot_training_log(log, tmp_path / "curves.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_windows_pool_numerators_and_denominators():
    records = [
        {"steps": 1, "n": 1, "d": 1},
        {"steps": 2, "n": 0, "d": 3},
        {"steps": 3, "n": 2, "d": 2},
    ]
    assert _windowed(records, 2, lambda r: (r["n"], r["d"])) == [(2, 0.25), (3, 1.0)]


def test_the_last_panel_shows_adr_or_else_the_stiffness_ramp_or_the_start_spread():
    adr = [{"steps": 1, "adr_entropy": -3.0}, {"steps": 2, "adr_entropy": -2.5}]
    ramp = [{"steps": 1, "cube_stiffness": 0.33}, {"steps": 2, "cube_stiffness": 0.41}]
    assert _curriculum_panel(adr) == ("ADR entropy (nats per dimension)", [(1, -3.0), (2, -2.5)])
    assert _curriculum_panel(ramp)[1] == [(1, 0.33), (2, 0.41)]
    assert _curriculum_panel(ramp)[0].startswith("cube stiffness")
    assert _curriculum_panel([{"steps": 1}])[1] == []
    spread = [{"steps": 1, "start_spread": 0.1}]
    assert _curriculum_panel(spread) == ("start spread (fraction of the configured)", [(1, 0.1)])
