from cubehand.sim.goal_sequels import SEQUELS, sum_goal_sequels


def test_goal_sequels_sum_each_key_over_episodes_and_list_every_key():
    episodes = [
        {"start>flip": (1, 1), "flip>rotate": (0, 1)},
        {"start>flip": (1, 1), "flip>rotate": (1, 2), "rotate>rotate": (1, 1)},
        {},
    ]
    totals = sum_goal_sequels(episodes)
    assert list(totals) == list(SEQUELS) and len(SEQUELS) == 10
    assert totals["start>flip"] == [2, 2]
    assert totals["flip>rotate"] == [1, 3]
    assert totals["rotate>rotate"] == [1, 1]
    assert totals["timeout>flip"] == [0, 0]
