import pytest

from cubehand.solver.cubie import CubieCube
from cubehand.solver.errors import InvalidCubeStateError
from cubehand.solver.facelets import SOLVED_FACELETS
from cubehand.solver.moves import parse_moves
from cubehand.solver.state import CubeState
from cubehand.solver.validation import validate_facelets

SOLVED = CubieCube.solved()


def _replace(text, index, letter):
    return text[:index] + letter + text[index + 1 :]


def _swap(text, i, j):
    letters = list(text)
    letters[i], letters[j] = letters[j], letters[i]
    return "".join(letters)


def _cubie(**changes):
    fields = {"cp": SOLVED.cp, "co": SOLVED.co, "ep": SOLVED.ep, "eo": SOLVED.eo} | changes
    return CubieCube(**fields).to_facelets()


FAULTS = [
    ("wrong length", SOLVED_FACELETS[:-1], r"54 letters .* got 53"),
    ("unknown letter", _replace(SOLVED_FACELETS, 5, "X"), r"unknown letter 'X' at facelet U6"),
    ("wrong colour count", _replace(SOLVED_FACELETS, 0, "R"), r"colour U appears 8 times"),
    (
        "centres not distinct",
        _replace(_replace(SOLVED_FACELETS, 13, "U"), 0, "R"),
        r"centres not distinct: colour U is on the centres of faces U and R",
    ),
    (
        "centres out of place",
        SOLVED_FACELETS.translate(str.maketrans("UR", "RU")),
        r"centre of face U has colour R",
    ),
    (
        "impossible corner",
        _swap(SOLVED_FACELETS, 8, 9),  # U9 and R1 of corner URF: a mirrored corner
        r"impossible cubie: corner position URF shows colours RUF",
    ),
    (
        "impossible edge",
        _swap(SOLVED_FACELETS, 5, 12),  # U6 (edge UR) and R4 (edge FR)
        r"impossible cubie: edge position UR shows colours RR",
    ),
    (
        "duplicated cubies",
        _cubie(cp=(0, 0, 2, 3, 4, 5, 6, 7), ep=(0, 1, 2, 3, 4, 5, 6, 7, 9, 9, 10, 11)),
        r"corner URF appears 2 times \(at URF, UFL\); missing corner: UFL",
    ),
    ("twisted corner", _cubie(co=(1, 0, 0, 0, 0, 0, 0, 0)), r"twisted corner"),
    ("flipped edge", _cubie(eo=(1,) + (0,) * 11), r"flipped edge"),
    ("odd parity", _cubie(cp=(1, 0, 2, 3, 4, 5, 6, 7)), r"odd permutation parity"),
]


@pytest.mark.parametrize(("name", "facelets", "message"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_has_its_message(name, facelets, message):
    with pytest.raises(InvalidCubeStateError, match=message):
        validate_facelets(facelets)
    with pytest.raises(InvalidCubeStateError):
        CubeState.from_facelets(facelets)


def test_messages_are_one_line():
    for _, facelets, _ in FAULTS:
        with pytest.raises(InvalidCubeStateError) as info:
            validate_facelets(facelets)
        assert "\n" not in str(info.value)


def test_reachable_states_pass():
    state = CubeState.solved().apply(parse_moves("R U R' U' F2 D L' B"))
    assert validate_facelets(state.facelets) == state.to_cubie()
