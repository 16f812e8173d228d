"""CLI smoke tests: run the real entry point in-process and check output and exit codes."""

import json

import pytest

from cubehand.cli.app import main
from cubehand.solver.moves import parse_moves
from cubehand.solver.state import CubeState


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scramble_is_seeded(capsys):
    first = run(capsys, "scramble", "--seed", "3", "--json")
    second = run(capsys, "scramble", "--seed", "3", "--json")
    assert first[0] == 0 and first[1] == second[1]
    data = json.loads(first[1])
    assert CubeState.solved().apply(parse_moves(data["scramble"])).facelets == data["state"]


def test_plan_json_from_scramble(capsys):
    code, out, _ = run(capsys, "plan", "--scramble", "R U2 F'", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"moves", "subgoals", "n_flips", "n_rotations"}
    start = CubeState.solved().apply(parse_moves("R U2 F'"))
    assert start.apply(parse_moves(" ".join(data["moves"]))).is_solved()
    assert data["n_flips"] + data["n_rotations"] == len(data["subgoals"])


def test_plan_from_state_with_openai_scheduler(capsys):
    state = CubeState.solved().apply(parse_moves("L D2 B"))
    code, out, _ = run(capsys, "plan", "--state", state.facelets, "--scheduler", "openai", "--json")
    assert code == 0
    assert json.loads(out)["moves"] == ["B'", "D2", "L'"]


def test_plan_table_output(capsys):
    code, out, _ = run(capsys, "plan", "--random", "--seed", "2")
    assert code == 0
    assert "subgoals" in out and "flip" in out and "rotate" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "--scramble", "R Q"], "invalid move 'Q'"),
        (["plan", "--state", "UUU"], "54 letters"),
        (["plan", "--state", "U" * 54], "colour U appears 54 times"),
        (["plan"], "exactly one of"),
        (["plan", "--scramble", "R", "--state", "U" * 54], "exactly one of"),
        (["plan", "--scramble", "R", "--up", "Q"], "--up must be one of"),
        (["plan", "--scramble", "R", "--up", "U", "--front", "D"], "not adjacent"),
        (["plan", "--scramble", "R", "--scheduler", "fast"], "fast"),
        (["bench", "solver", "--n", "0"], "--n must be at least 1"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert message in err


def test_bench_solver_json(capsys, tmp_path):
    report = tmp_path / "bench.md"
    code, out, _ = run(capsys, "bench", "solver", "--n", "2", "--json", "--out", str(report))
    assert code == 0
    data = json.loads(out)
    assert data["n"] == 2
    assert set(data["solve_ms"]) == {"median", "p95"}
    assert set(data["subgoals_mean"]) == {"openai", "minimal"}
    assert data["htm_mean"] > 0 and data["qtm_mean"] >= data["htm_mean"]
    assert "| subgoals, minimal scheduler |" in report.read_text()
