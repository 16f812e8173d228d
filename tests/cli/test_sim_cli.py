"""Smoke tests of the simulation commands."""

import json

import imageio.v3 as iio

from cubehand.cli.app import main


def test_render_writes_a_png(capsys, tmp_path):
    out = tmp_path / "scene.png"
    assert (
        main(["render", "--cube", "locked", "--scramble", "R U", "--size", "96", "--out", str(out)])
        == 0
    )
    image = iio.imread(out)
    assert image.shape == (96, 96 + 32, 3)
    assert image.std() > 10  # not a blank frame
    assert "wrote" in capsys.readouterr().out


def test_render_rejects_bad_input(capsys, tmp_path):
    assert main(["render", "--out", str(tmp_path / "x.jpg")]) == 2
    assert main(["render", "--scramble", "R", "--seed", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "error: --out must name a .png" in err
    assert not (tmp_path / "x.jpg").exists()


def test_bench_sim_json(capsys):
    assert main(["bench", "sim", "--steps", "4", "--envs", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cores"] >= 1
    for cube in ("locked", "full"):
        assert data[cube]["single"] > 0
        assert data[cube]["batched"] > 0


def test_view_without_a_display_says_so(capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    assert main(["view"]) == 2
    assert "needs a display" in capsys.readouterr().err


def test_bench_mechanism_json(capsys):
    assert main(["bench", "mechanism", "--force", "2.5", "--seconds", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["cube"], r["force"]) for r in rows] == [("locked", 2.5), ("full", 2.5)]
    assert rows[0]["quarter_turn_s"] is not None and rows[0]["quarter_turn_s"] <= 1.0
