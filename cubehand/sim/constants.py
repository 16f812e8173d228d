"""Names in the Shadow Hand model and in cubehand's scenes, in one place."""

from __future__ import annotations

from typing import Final

HAND_PREFIX: Final[str] = "robot0:"

#: The 20 position actuators, in model order.
ACTUATOR_NAMES: Final[tuple[str, ...]] = tuple(
    f"robot0:A_{joint}"
    for joint in (
        "WRJ1", "WRJ0", "FFJ3", "FFJ2", "FFJ1", "MFJ3", "MFJ2", "MFJ1", "RFJ3", "RFJ2",
        "RFJ1", "LFJ4", "LFJ3", "LFJ2", "LFJ1", "THJ4", "THJ3", "THJ2", "THJ1", "THJ0",
    )
)  # fmt: skip

#: The 24 hand joints (the distal joints J0 of the fingers are coupled by tendons).
JOINT_NAMES: Final[tuple[str, ...]] = tuple(
    f"robot0:{joint}"
    for joint in (
        "WRJ1", "WRJ0", "FFJ3", "FFJ2", "FFJ1", "FFJ0", "MFJ3", "MFJ2", "MFJ1", "MFJ0",
        "RFJ3", "RFJ2", "RFJ1", "RFJ0", "LFJ4", "LFJ3", "LFJ2", "LFJ1", "LFJ0",
        "THJ4", "THJ3", "THJ2", "THJ1", "THJ0",
    )
)  # fmt: skip

#: Fingertip sites: first, middle, ring, little finger and thumb.
FINGERTIP_SITES: Final[tuple[str, ...]] = tuple(
    f"robot0:S_{finger}tip" for finger in ("ff", "mf", "rf", "lf", "th")
)

PALM_BODY: Final[str] = "robot0:palm"
#: The three fixed cameras that the vision model sees, and a wider one for videos.
VISION_CAMERAS: Final[tuple[str, ...]] = ("cam:left", "cam:right", "cam:top")
VIEW_CAMERA: Final[str] = "cam:view"
