from cubehand.sim.goal_places import goal_places


def test_goal_places_average_over_every_goal_met_of_each_kind():
    episodes = [
        {
            "met": {"rotate": 2, "flip": 0},
            "goal_places": {"rotate": (30.0, 10.0, 6.0, 9.0, 1.0), "flip": (0.0,) * 5},
        },
        {
            "met": {"rotate": 1, "flip": 1, "square": 2},
            "goal_places": {
                "rotate": (15.0, 20.0, 3.0, 3.0, 0.5),
                "flip": (8.0, 4.0, 12.0, 2.0, 0.2),
                "square": (40.0, 6.0, 20.0, 1.0, 0.6),
            },
        },
    ]
    # Episodes logged before square goals existed have no "square" entries.
    assert goal_places(episodes) == {
        "goal_offset_mm": {"rotate": 15.0, "flip": 8.0, "square": 20.0},
        "goal_yaw_deg": {"rotate": 10.0, "flip": 4.0, "square": 3.0},
        "goal_start_offset_mm": {"rotate": 3.0, "flip": 12.0, "square": 10.0},
        "goal_tilt_deg": {"rotate": 4.0, "flip": 2.0, "square": 0.5},
        "goal_pose_offset": {"rotate": 0.5, "flip": 0.2, "square": 0.3},
    }
    never = {
        "met": {"rotate": 0, "flip": 0},
        "goal_places": {"rotate": (0.0,) * 5, "flip": (0.0,) * 5},
    }
    assert goal_places([never]) == {
        "goal_offset_mm": {"rotate": None, "flip": None, "square": None},
        "goal_yaw_deg": {"rotate": None, "flip": None, "square": None},
        "goal_start_offset_mm": {"rotate": None, "flip": None, "square": None},
        "goal_tilt_deg": {"rotate": None, "flip": None, "square": None},
        "goal_pose_offset": {"rotate": None, "flip": None, "square": None},
    }
