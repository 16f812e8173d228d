from cubehand.skills.outcome_counts import sum_met_tried


def test_counts_are_summed_per_key_in_the_keys_order():
    totals = sum_met_tried([{"b": (1, 2)}, {"a": (0, 1), "b": (2, 2)}, {}], ("a", "b", "c"))
    assert list(totals) == ["a", "b", "c"]
    assert totals == {"a": [0, 1], "b": [3, 4], "c": [0, 0]}
