from cubehand.sim.goal_sequels import SEQUELS, sum_goal_endings, sum_goal_sequels


def test_goal_sequels_sum_each_key_over_episodes_and_list_every_key():
    episodes = [
        {"start>flip": (1, 1), "flip>rotate": (0, 1)},
        {"start>flip": (1, 1), "flip>rotate": (1, 2), "rotate>rotate": (1, 1)},
        {},
    ]
    totals = sum_goal_sequels(episodes)
    assert list(totals) == list(SEQUELS) and len(SEQUELS) == 21
    assert totals["start>flip"] == [2, 2]
    assert totals["flip>rotate"] == [1, 3]
    assert totals["rotate>rotate"] == [1, 1]
    assert totals["timeout>flip"] == [0, 0]


def test_goal_endings_count_failed_goals_by_sequel_and_failure():
    infos = [
        {"sequel": "flip>rotate", "failure": "timeout"},
        {"sequel": "flip>rotate", "failure": "drop"},
        {"sequel": "flip>rotate", "failure": "timeout"},
        {"sequel": "start>flip", "failure": "mismatch"},
        {"sequel": None, "failure": None},  # met every goal
        {"sequel": "rotate>flip", "failure": None},  # truncated without a failure
    ]
    endings = sum_goal_endings(infos)
    assert list(endings) == ["start>flip", "flip>rotate"]  # SEQUELS order, failures only
    assert endings["flip>rotate"] == {"timeout": 2, "drop": 1, "mismatch": 0, "unstable": 0}
    assert endings["start>flip"]["mismatch"] == 1
