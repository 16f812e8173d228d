"""The subgoal environment: the hand executes a stream of flip and rotate goals.

A gymnasium environment. Each episode draws its physics from the current randomization
ranges, sets up a cube state, lets the cube settle on the palm, then feeds goals: from the
training curriculum, or from a scheduler plan (``reset(options={"subgoals": ...})``).

A goal is met when the target face is within ``orientation_tolerance`` of the palm normal,
every face angle is within ``face_tolerance`` of its goal, the cube lies on the palm and it
is nearly still. Reward: decrease of the distance to the goal each step (plus, in training,
optional shaping toward a hand pose: ``pose_shaping``, ``shaping_pose``), plus
``goal_bonus`` per goal met, plus ``drop_penalty`` for a drop. An episode ends at a drop, at
``max_successes``, at the end of a plan, or when a goal times out (training may let it go
on to the next curriculum goal instead, ``timeouts_allowed`` times). With ``release_steps``
the hand opens after each goal met (but a square goal with ``square_from_place``) and the
next goal starts from the open hand. With
``square_first`` a rotation that would start with the cube turned off square with the hand
waits behind a square goal (turn the whole cube square, and near its rest point with
``square_radius``, or near its place with ``square_from_place``, where a rotation with the
cube off its place waits too), which is not counted among the successes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

import gymnasium as gym
import mujoco
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cubehand.sim.constants import FINGERTIP_SITES, JOINT_NAMES
from cubehand.sim.cube_frame import paint_in_model, reanchor_up, symmetric_pose, up_symmetry
from cubehand.sim.cube_mechanism import reset_mechanism
from cubehand.sim.cube_reader import is_dropped
from cubehand.sim.face_tracker import QUARTER, FaceTracker
from cubehand.sim.goal_pose import GoalPose, blend_poses
from cubehand.sim.goals import GOAL_KINDS, Goal, curriculum_goal, plan_goals
from cubehand.sim.hand_frame import (
    face_tilt,
    faces_by_place,
    flip_direction,
    hand_rotation,
    home_symmetry,
    palm_body,
    rotation_bringing_up,
    rotation_quaternion,
    squared,
    up_face,
    yaw_off_square,
)
from cubehand.sim.perturbations import PerturbationDriver
from cubehand.sim.pose_bank import load_pose_bank
from cubehand.sim.pose_parts import mix_pose_parts
from cubehand.sim.randomization import (
    PARAMETERS,
    PhysicsRandomizer,
    nominal_ranges,
    sample_values,
)
from cubehand.sim.scene import Scene, SceneConfig, build_scene
from cubehand.sim.start_yaws import start_yaw_key
from cubehand.sim.stepping import (
    blew_up,
    control_step,
    rest_ctrl,
    run_substeps,
    set_controls,
    settle,
)
from cubehand.skills.flip_curriculum import FLIP_DIRECTIONS, FlipDirection
from cubehand.solver.facelets import FACES
from cubehand.solver.moves import Move
from cubehand.solver.orientation import Orientation
from cubehand.solver.state import CubeState

ACTION_BINS = 11
PoseSource = Callable[[mujoco.MjModel, mujoco.MjData], tuple[np.ndarray, np.ndarray]]
Failure = Literal["drop", "timeout", "mismatch", "unstable"]
#: m: the farthest ``EnvConfig.start_offset`` may drop the cube from its usual place.
MAX_START_OFFSET = 0.04
#: s that the start pose holds the settled cube before its start place is read.
START_PLACE_SECONDS = 2.0


class EnvConfig(BaseModel):
    """Goals, success tests, rewards and actions of the subgoal environment."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scene: SceneConfig = Field(default_factory=SceneConfig)
    orientation_tolerance: float = Field(0.4, gt=0, description="rad, target face to palm normal")
    face_tolerance: float = Field(0.2, gt=0, description="rad, every face angle to its goal")
    max_cube_speed: float = Field(1.0, gt=0, description="rad/s, cube spin allowed at success")
    max_face_speed: float = Field(0.5, gt=0, description="rad/s, face spin allowed at success")
    palm_radius: float = Field(
        0.08,
        gt=0,
        description="m, cube centre to its rest point at a goal met (evaluations: 0.08; "
        "training may ask for the cube nearer its place, so that the next goal starts from "
        "where the first one did)",
    )
    centre_weight: float = Field(
        0.0,
        ge=0,
        description="training only: rad of goal distance per m that the cube lies beyond "
        "centre_radius, so that the progress reward also pays for bringing it back",
    )
    centre_radius: float | None = Field(
        None,
        gt=0,
        description="training only: m, the distance from its place (place_origin) beyond "
        "which centre_weight charges (None: palm_radius; smaller asks for the cube near its place "
        "through the reward alone, leaving the goal test as it is)",
    )
    square_weight: float = Field(
        0.0,
        ge=0,
        description="training only: rad of goal distance per rad that the cube is turned "
        "about the palm normal away from square with the hand, so that the progress reward "
        "pays for goals that end with the cube square, where the next goal starts best",
    )
    place_origin: Literal["rest", "start"] = Field(
        "rest",
        description="the cube's place that centre_radius, flip_radius and rotate_radius "
        "measure from: "
        "'rest', where it settles on the flat hand, or 'start', where the start pose then "
        "holds it (nominal physics and cube size), which is where rotations start",
    )
    flip_radius: float | None = Field(
        None,
        gt=0,
        description="m: a flip counts as met only with the cube this near its place, so "
        "that the rotation after it starts where rotations work (None: palm_radius, as every "
        "goal; training's flip_place curriculum sets its own)",
    )
    flip_square: float | None = Field(
        None,
        gt=0,
        description="rad: and only with the cube turned at most this far off square with the "
        "hand (None: any yaw)",
    )
    rotate_square: float | None = Field(
        None,
        gt=0,
        description="rad: a rotation counts as met only with the cube turned at most this far "
        "off square with the hand, so that the next goal starts square (None: any yaw; "
        "training's flip_place curriculum with square_rotations sets its own)",
    )
    rotate_radius: float | None = Field(
        None,
        gt=0,
        description="m: a rotation counts as met only with the cube this near its place "
        "(place_origin), so that the next rotation starts where the first did (None: "
        "palm_radius, as every goal; training's flip_place curriculum with place_rotations "
        "sets its own)",
    )
    rotate_tilt: float | None = Field(
        None,
        gt=0,
        description="rad: a rotation counts as met only with the face up at most this far "
        "from the palm normal, so that the next rotation starts with the cube flat (None: "
        "orientation_tolerance, as every goal; training's rotate_tilt curriculum sets its own)",
    )
    rotate_pose: float | None = Field(
        None,
        gt=0,
        description="a rotation counts as met only with the hand's joint targets at most this "
        "far from the start pose's (mean over the joints, each scaled to [-1, 1] over its "
        "range), so that the next rotation starts from the grip the first did (None: any "
        "grip; training's rotate_pose curriculum sets its own)",
    )
    square_first: float | None = Field(
        None,
        gt=0,
        le=np.pi / 4,
        description="rad: a rotation that would start with the cube turned farther than this "
        "off square with the hand waits behind a square goal: turn the whole cube, the same "
        "face up and every face aligned, to within this of square (the policy's own skill; "
        "curriculum and plans alike; square goals earn the goal bonus but are not counted "
        "among the successes). None: no square goals",
    )
    square_radius: float | None = Field(
        None,
        gt=0,
        description="m: and a square goal counts as met only with the cube this near its rest "
        "point on the flat hand, where fresh episodes start it (rotations fail from farther: "
        "the hand opens after the goal and the cube stays there), or with square_from_place "
        "its place; None: anywhere on the palm; training's square_place curriculum sets its "
        "own",
    )
    square_from_place: bool = Field(
        False,
        description="square_radius measures from the cube's place (place_origin) instead of "
        "its rest point, a rotation with the cube farther than square_radius from it also "
        "waits behind a square goal (a move back before the turn; not at a fresh start, "
        "where the start pose is yet to push the cube there), and where the hand opens "
        "between goals (release_steps) that is decided after the opening, where the cube "
        "settled, and the hand does not open after a square goal (which the opening would "
        "undo); false: as before (from the rest point, by yaw alone, before the opening, and "
        "the hand opens after square goals too)",
    )
    square_place_weight: float = Field(
        10.0,
        ge=0,
        description="rad of a square goal's distance per metre that the cube lies beyond "
        "square_radius from its rest point, or with square_from_place its place (the "
        "progress reward pays for bringing it back; only with a square_radius)",
    )
    goal_timeout: int = Field(800, ge=1, description="control steps allowed per goal")
    max_successes: int = Field(50, ge=1, description="episode ends after this many goals")
    timeouts_allowed: int = Field(
        0,
        ge=0,
        description="goal timeouts an episode survives: the goal counts as failed and the "
        "next one starts from wherever the hand and cube are (training only; 0, as in the "
        "reference facts and every evaluation, ends the episode at the first timeout)",
    )
    rotate_probability: float = Field(0.5, ge=0, le=1, description="curriculum: rotate vs flip")
    flip_directions: tuple[FlipDirection, ...] = Field(
        FLIP_DIRECTIONS,
        min_length=1,
        description="curriculum: the flip directions drawn (training probes; where the face "
        "that must come up points in the hand before the flip); a cube turned so that none of "
        "its side faces points one of these ways draws among all four",
    )
    goal_bonus: float = 5.0
    drop_penalty: float = -20.0
    start_pose: Literal["flat", "mid", "random"] = Field(
        "mid",
        description="joint targets when an episode starts, after the cube settled on the flat "
        "hand: flat (all zero), mid (the middle of each range, fingers curled over the cube) "
        "or random (each joint uniformly between its flat and mid targets)",
    )
    action_step: float = Field(
        0.05, gt=0, description="largest change of a joint target per step, fraction of range"
    )
    rotate_action_step: float | None = Field(
        None,
        gt=0,
        description="action_step while the goal is a rotation (fine pushes on the top layer), "
        "so that one network can act at the scale each skill was learned at; None: action_step",
    )
    release_steps: int = Field(
        0,
        ge=0,
        description="after each goal met (but square goals with square_from_place), the hand "
        "opens: the joint targets stay at the flat "
        "hand for this many control steps (the policy does not act; the physics runs), then "
        "go to the start pose, and the next goal starts like an episode, from the open hand "
        "with the cube wherever it settled (info 'released': the policy's memory restarts). "
        "0: the policy goes on from where the goal left the hand",
    )
    release_pose: Literal["flat", "start"] = Field(
        "flat",
        description="where the joint targets go while the hand opens between goals: flat (the "
        "open hand; the cube settles on the palm) or start (the start pose at once, fingers "
        "curled round the cube, so that it is not left on a flat palm it can roll off)",
    )
    face_order: Literal["cube", "hand"] = Field(
        "cube",
        description="how the policy sees the cube's faces: cube (fixed cube faces, URFDLB) or "
        "hand (relabelled at each goal's start by the cube's quarter-turn symmetry that "
        "brings it nearest its start orientation: the cube quaternion, goal quaternion and "
        "the order of the face angles then read as they would at an episode's start, so a "
        "rotation after a flip looks like the first one did; the identity until a flip)",
    )
    memory_per_goal: bool = Field(
        False,
        description="the policy's memory (its LSTM state) restarts at each goal met, as it "
        "does where an episode starts or the hand opens (info 'fresh_memory'), so that every "
        "goal starts from a fresh memory, as episodes restarted from goal poses do in "
        "training; False: the memory goes on from goal to goal",
    )
    start_offset: float = Field(
        0.0, ge=0, le=MAX_START_OFFSET,
        description="the cube is dropped onto the palm up to this far (m, uniform over a "
        "disc in the palm plane) from its usual place (training, and `eval policy "
        "--start-offset`)",
    )  # fmt: skip
    start_yaw: float = Field(
        0.0, ge=0, le=np.pi,
        description="the cube is dropped turned about the palm normal by an angle uniform "
        "in [-start_yaw, start_yaw] (rad; training, and `eval policy --start-yaw`)",
    )  # fmt: skip
    start_face_turns: bool = Field(
        False,
        description="each face hinge starts at a random whole number of quarter turns "
        "(uniform over 0-3; the cube's state and look are unchanged), so that the face angles "
        "that face_angle_origin model shows at a goal's start are not always zero, as they "
        "are not after a rotation (training, and `eval policy --start-face-turns`)",
    )
    goal_restarts: float = Field(
        0.0, ge=0, le=1,
        description="training only: the probability that an episode starts from the hand and "
        "cube as an earlier episode of this environment left them when it met a goal (the "
        "situation of every goal after the first, which chains of goals rarely reach while "
        "the policy is weak) instead of from the cube settled on the open hand; the cube is "
        "set there still and with its faces aligned. 0 (every evaluation): never",
    )  # fmt: skip
    restart_poses: int = Field(
        256, ge=1, description="goal_restarts: how many of the newest goal poses are kept"
    )
    restart_after: Literal["any", "rotate", "flip"] = Field(
        "any",
        description="goal_restarts: record the poses of goals of this kind only (flip: "
        "practise what follows a flip, the situation of most rotations in a solve); with "
        "release_steps the pose is recorded after the hand has opened, as the next goal "
        "finds it",
    )
    restart_rotate_probability: float | None = Field(
        None, ge=0, le=1,
        description="goal_restarts: the curriculum's rotate_probability for every goal of a "
        "restarted episode (rotations from the places goals leave the cube, which chains "
        "of flips rarely offer while rotations fail there); null: rotate_probability",
    )  # fmt: skip
    restart_blend: tuple[float, float] = Field(
        (1.0, 1.0),
        description="goal_restarts: how far a restart goes from the episode's settled start "
        "(hand and cube) toward the recorded goal pose, drawn uniformly from this range for "
        "each restart (a reverse curriculum; 1: the goal pose itself)",
    )
    blend_goal_restarts: bool = Field(
        True,
        description="restart_blend (and the restart_reach curriculum) apply to goal_restarts "
        "as well as to bank_restarts; false: to bank starts only, goal restarts start at the "
        "recorded goal pose itself",
    )
    bank_restarts: float = Field(
        0.0, ge=0, le=1,
        description="the probability that an episode starts from a pose of restart_bank "
        "(drawn before goal_restarts; restart_blend applies; the cube set there still and "
        "with its faces aligned): rotations from where another policy's flips left the "
        "cube, farther than start_offset reaches (training, and `eval policy --start-bank`)",
    )  # fmt: skip
    restart_bank: Path | None = Field(
        None,
        description="bank_restarts: an .npz of hand-and-cube poses (`cubehand train poses`; "
        "cubehand.sim.pose_bank), relative to the working folder",
    )
    pose_shaping: float = Field(
        0.0,
        ge=0,
        description="training only: potential-based reward shaping (Ng et al. 1999) with "
        "potential -pose_shaping x the mean distance of the joint targets from those of "
        "`shaping_pose` (targets scaled to [-1, 1]); moving away costs what coming back "
        "repays, so it rewards opening a clenched hand after a goal without changing which "
        "policy is best",
    )
    shaping_pose: Literal["mid", "flat"] = Field(
        "mid", description="the joint targets of zero shaping potential: mid-range or flat"
    )
    face_angle_origin: Literal["model", "goal"] = Field(
        "model",
        description="what the observed face angles (policy and critic) and their goals are "
        "measured from: the model's hinge zero (every earlier policy; after a rotation the top "
        "face reads a quarter turn and the next rotation's goal half a turn, a situation "
        "first goals never show) or the aligned angles when the current goal started (every "
        "goal then looks like a first goal; goal tests are unchanged)",
    )

    @model_validator(mode="after")
    def _bank_restarts_need_a_bank(self) -> EnvConfig:
        if self.bank_restarts > 0 and self.restart_bank is None:
            raise ValueError("bank_restarts above 0 needs restart_bank (a pose bank file)")
        return self

    @field_validator("restart_blend")
    @classmethod
    def _blend_in_unit_range(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0.0 <= low <= high <= 1.0:
            raise ValueError(f"restart_blend must satisfy 0 <= low <= high <= 1, got {value}")
        return value


class CubePlacement(NamedTuple):
    """Where the cube lies on the palm, in the hand's frame."""

    offset: float  # m from its start place (where the start pose holds it), in the palm plane
    yaw: float  # rad off square with the hand about the palm normal (0 to pi/4)
    tilt: float  # rad between the face most nearly up and the palm normal
    speed: float  # rad/s the cube turns
    across: float  # m from its start place along hand x (+ toward the thumb side)
    along: float  # m from its start place along hand y (+ toward the fingertips, - the wrist)


class CubeEnv(gym.Env):
    """One hand, one cube, one goal stream.

    Args:
        config: the environment's settings.
        ranges: randomization ranges by parameter name (nominal if omitted); ADR updates
            them between episodes through :attr:`ranges`.
    """

    metadata = {"render_modes": []}

    def __init__(
        self,
        config: EnvConfig | None = None,
        ranges: Mapping[str, tuple[float, float]] | None = None,
    ) -> None:
        self.config = config or EnvConfig()
        self.ranges = dict(ranges or nominal_ranges())
        self._scene_size: float | None = None
        #: Optional source of the cube's world position and rotation that the policy sees
        #: (a vision model); ``None`` shows it the simulator's values.
        self.pose_source: PoseSource | None = None
        #: Curriculum weights of flip directions (``fingertips``, ``wrist``, ``thumb``,
        #: ``little``; see :mod:`cubehand.skills.flip_curriculum`); ``None`` draws the four
        #: side faces uniformly.
        self.flip_weights: Mapping[str, float] | None = None
        #: Chance that a curriculum rotation turns counter-clockwise, from the training
        #: curriculum over rotation directions (``TrainConfig.rotate_directions``).
        self.ccw_probability = 0.5
        #: Curriculum from the locked toward the mechanical cube (see
        #: :mod:`cubehand.skills.layer_lock`): extra damping (N m s/rad) on the hinges of the
        #: faces that the current goal does not turn, set at each goal. Damping, not dry
        #: friction: MuJoCo's frictionloss is a soft constraint that these light hinges creep
        #: through (0.31 N m of it let 0.1 N m turn a face 49 degrees in a second), while
        #: the implicit integrator makes heavy damping exact and stable. 0 (every
        #: evaluation): the cube as built.
        self.layer_lock = 0.0
        #: Fraction of the cube's breakaway torque and face detent torque, from the training
        #: curriculum (:mod:`cubehand.skills.stiffness_ramp`), taken at each reset; 1 (every
        #: evaluation): the cube as built.
        self.cube_stiffness = 1.0
        #: Fraction of ``start_offset`` and ``start_yaw`` used at each reset, from the training
        #: curriculum (:mod:`cubehand.skills.start_spread`); 1: as configured.
        self.start_spread = 1.0
        #: Fraction of ``restart_blend`` (both ends) that restarts go toward their goal pose,
        #: from the training curriculum (``TrainConfig.restart_reach``); 1: as configured.
        self.restart_reach = 1.0
        #: Where a flip counts as met: the cube within ``flip_radius`` m of its place and
        #: at most ``flip_square`` rad off square with the hand (None: palm_radius and any
        #: yaw, as for every goal). From the config, or the training curriculum
        #: (:mod:`cubehand.skills.flip_place`).
        self.flip_radius = self.config.flip_radius
        self.flip_square = self.config.flip_square
        #: Likewise for rotations: at most ``rotate_square`` rad off square (None: any yaw)
        #: and within ``rotate_radius`` m of its place (None: palm_radius).
        self.rotate_square = self.config.rotate_square
        self.rotate_radius = self.config.rotate_radius
        #: And with the face up at most ``rotate_tilt`` rad from the palm normal (None:
        #: orientation_tolerance; :mod:`cubehand.skills.rotate_tilt`).
        self.rotate_tilt = self.config.rotate_tilt
        #: And with the joint targets at most ``rotate_pose`` from the start pose's (None:
        #: any; :mod:`cubehand.skills.rotate_pose`).
        self.rotate_pose = self.config.rotate_pose
        #: And square goals: the cube within ``square_radius`` m of its rest point, or with
        #: ``square_from_place`` its place (None: anywhere on the palm). From the config, or
        #: the training curriculum
        #: (:mod:`cubehand.skills.square_place`).
        self.square_radius = self.config.square_radius
        #: Called as the hand starts opening between goals (``release_steps``) with 0, then
        #: after each of its control steps with their count: for example to record frames.
        self.on_release_step: Callable[[int], None] | None = None
        #: Hand and cube poses at goals met, newest last (``goal_restarts``).
        self.goal_poses: deque[GoalPose] = deque(maxlen=self.config.restart_poses)
        #: Called after every goal met with its kind and the hand and cube as the next goal
        #: finds them (where the hand opens after the goal: after it opened, and not after
        #: an episode's last goal or a drop): to record a pose bank
        #: (:mod:`cubehand.sim.pose_bank`).
        self.on_goal_pose: Callable[[str, GoalPose], None] | None = None
        #: The settled start of the last fresh episode (``restart_blend``).
        self._start_pose: GoalPose | None = None
        #: How far this episode's restart went toward its goal pose (None: a fresh start, or
        #: a goal restart that does not blend, ``blend_goal_restarts``).
        self.restart_share: float | None = None
        #: Cube centre where the start pose holds it, relative to its rest point, in the
        #: hand frame (m): measured once, on the first scene built.
        self._start_place: np.ndarray | None = None
        self._build(self.config.scene)
        #: Poses that episodes may start from (``bank_restarts``, ``restart_bank``).
        self.pose_bank: list[GoalPose] = []
        if self.config.restart_bank is not None:
            self.pose_bank = load_pose_bank(
                self.config.restart_bank, len(self._joint_qpos), len(self.scene.hand_actuators)
            )
        self.action_space = gym.spaces.MultiDiscrete([ACTION_BINS] * len(self.scene.hand_actuators))
        sizes = observation_sizes()
        self.observation_space = gym.spaces.Dict(
            {
                name: gym.spaces.Box(-np.inf, np.inf, shape=(size,), dtype=np.float32)
                for name, size in sizes.items()
            }
        )

    # -- episode ---------------------------------------------------------------------------
    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Start an episode.

        Options: ``state`` (a :class:`CubeState`, default solved) and ``subgoals`` (a
        scheduler plan's subgoals; default: the training curriculum).
        """
        super().reset(seed=seed)
        options = options or {}
        self.values = sample_values(self.ranges, self.np_random)
        self.values["face_detent"] *= self.cube_stiffness
        size = self.config.scene.cube_params.size * self.values["cube_size"]
        if size != self._scene_size:
            params = self.config.scene.cube_params.model_copy(update={"size": size})
            self._build(self.config.scene.model_copy(update={"cube_params": params}))
        self.randomizer.apply(self.values)
        self._set_breakaway()
        model = self.scene.model
        self.data = mujoco.MjData(model)
        self.state: CubeState = options.get("state", CubeState.solved())
        self._set_anchor(Orientation.identity())
        paint_in_model(model, self.state, self.anchor)
        if self.config.start_face_turns:
            self._turn_faces_at_start(model)
        # Lock every centre at its angle now: a lock left at an earlier episode's angle
        # would read as a twisting load at the first step and let a layer go.
        reset_mechanism(self.scene.mechanism, model, self.data)
        mujoco.mj_forward(model, self.data)
        banked = self._draw_bank_pose()
        restart = banked if banked is not None else self._draw_goal_pose()
        self.restart_share = None
        #: Whether this episode started from a pose of the bank (``bank_restarts``).
        self.banked = banked is not None
        if restart is None:
            self._displace_cube()
            settle(self.scene, self.data)
        self._start_hand()
        if restart is None:
            self._keep_start_pose()
        else:
            restart = self._restart_pose(restart)
            self._place(restart)
        self._read_hand_frame()
        self.restarted = restart is not None
        self._bias = self.np_random.normal(0.0, 1.0, size=3 + 4 + 15) * self.values["obs_bias"]
        self.tracker = self._new_tracker()
        self.goal_angles = self._aligned_angles()
        if self.perturbation is not None:
            self.perturbation.reset(self.np_random)
        subgoals = options.get("subgoals")
        self._plan: Iterator[Goal] | None = None if subgoals is None else plan_goals(subgoals)
        self.successes = 0
        self.timeouts = 0
        self.attempts = dict.fromkeys(GOAL_KINDS, 0)
        self.met = dict.fromkeys(GOAL_KINDS, 0)
        #: A rotation waiting for the square goal in front of it (``square_first``).
        self._waiting: Goal | None = None
        self.flips: dict[str, list[int]] = {}  # direction: [met, tried]
        self.rotations: dict[str, list[int]] = {}  # cw or ccw: [met, tried]
        #: Goals by what came just before them, ``"before>kind"`` (before: ``start``, a
        #: ``restart`` from a goal pose, a met ``rotate`` or ``flip``, or a ``timeout`` the
        #: episode went on from): [met, tried].
        self.sequels: dict[str, list[int]] = {}
        self._before = "bank" if self.banked else "restart" if self.restarted else "start"
        #: Goals by how far the cube was turned off square with the hand when they started
        #: (their first control step), ``"kind low-high"`` in degrees: [met, tried].
        self.start_yaws: dict[str, list[int]] = {}
        #: The ``start_yaws`` key of the goal under way: its kind and how far the cube was
        #: turned when it started (set with the goal, and again after the hand opened, as
        #: the goal finds the cube); None without a goal.
        self._start_yaw_key: str | None = None
        #: Where met goals left the cube, by goal kind: [sum of mm off its rest point, sum
        #: of degrees off square with the hand, sum of mm off its start place, sum of
        #: degrees that the goal's face lies tilted off the palm normal, sum of the joint
        #: targets' distances from the start pose's] over the :attr:`met` goals of that kind.
        self.goal_places: dict[str, list[float]] = {kind: [0.0] * 5 for kind in GOAL_KINDS}
        self._flip_direction: str | None = None
        self.moves: list[Move] = []
        self.goal: Goal | None = None
        self._next_goal()
        self._distance = self._goal_distance()
        # Scaled joint targets of zero shaping potential, and of the start pose, which the
        # rotation's pose test measures from (the actuator ranges are fixed).
        flat = self.config.shaping_pose == "flat"
        self._shaping_centre = self._scaled(rest_ctrl(self.scene)) if flat else 0.0
        self._start_centre = self._scaled(self._start_targets(draw=False))
        self._potential = self._pose_potential()
        return self._observe(), self._info(None)

    def _turn_faces_at_start(self, model: mujoco.MjModel) -> None:
        """Set each hinge to a random whole number of quarter turns (``start_face_turns``)
        with the cube showing the same state: the locked cube's top layer carries its
        stickers, so they are painted turned back by as much."""
        turns = self.np_random.integers(0, 4, len(self.scene.hinge_qpos))
        self.data.qpos[self.scene.hinge_qpos] = turns * QUARTER
        if self.scene.config.cube == "locked" and turns[0]:
            # The hinge at +k quarter turns has turned the layer counter-clockwise k times.
            unturned = self.state.apply((Move("U", int(turns[0])),))
            paint_in_model(model, unturned, self.anchor)

    def _displace_cube(self) -> None:
        """Move and turn the cube above the palm before it settles (``start_offset``,
        ``start_yaw``, times :attr:`start_spread`); nothing is drawn when both are 0."""
        offset = self.config.start_offset * self.start_spread
        yaw = self.config.start_yaw * self.start_spread
        if offset == 0.0 and yaw == 0.0:
            return
        hand = hand_rotation(self.scene.model, self.data, self._palm_body)
        radius = offset * np.sqrt(self.np_random.uniform())
        heading = self.np_random.uniform(0.0, 2 * np.pi)
        turn = self.np_random.uniform(-yaw, yaw)
        qpos = self.data.qpos[self.scene.cube_qpos]
        qpos[:3] += hand[:, :2] @ (radius * np.array([np.cos(heading), np.sin(heading)]))
        axis = hand[:, 2]  # the palm normal, world frame
        spin = np.concatenate([[np.cos(turn / 2)], np.sin(turn / 2) * axis])
        turned = np.empty(4)
        mujoco.mju_mulQuat(turned, spin, qpos[3:7].copy())
        qpos[3:7] = turned  # qpos is a view of the cube's free joint
        mujoco.mj_forward(self.scene.model, self.data)

    def _rotate_probability(self) -> float:
        """The curriculum's chance of a rotation (``restart_rotate_probability`` in a
        restarted episode)."""
        restarted = self.config.restart_rotate_probability
        if self.restarted and restarted is not None:
            return restarted
        return self.config.rotate_probability

    def _draw_bank_pose(self) -> GoalPose | None:
        """A pose of the bank to start from (``bank_restarts``), or ``None``; draws nothing
        while bank restarts are off, nor, where restarts blend (``restart_blend``), before a
        fresh episode has settled to blend from."""
        blends = tuple(self.config.restart_blend) != (1.0, 1.0)
        if blends and self._start_pose is None:
            return None
        return self._draw_pose(self.pose_bank, self.config.bank_restarts)

    def _draw_goal_pose(self) -> GoalPose | None:
        """A recorded goal pose to start from (``goal_restarts``), or ``None``; draws nothing
        while restarts are off."""
        return self._draw_pose(self.goal_poses, self.config.goal_restarts)

    def _draw_pose(self, poses: Sequence[GoalPose], probability: float) -> GoalPose | None:
        """With ``probability``, one of ``poses`` drawn uniformly; ``None`` otherwise, and
        without a draw where ``probability`` is 0 or there are no poses."""
        if probability == 0.0 or not poses:
            return None
        if self.np_random.uniform() >= probability:
            return None
        return poses[int(self.np_random.integers(len(poses)))]

    def _current_pose(self) -> GoalPose:
        """The hand (joints, speeds, targets) and the cube's free joint as they are now."""
        return GoalPose(
            joints=self.data.qpos[self._joint_qpos].copy(),
            joint_speeds=self.data.qvel[self._joint_dof].copy(),
            targets=self.target.copy(),
            cube=self.data.qpos[self.scene.cube_qpos].copy(),
        )

    def _keep_start_pose(self) -> None:
        """Keep the settled start of this fresh episode (``restart_blend``)."""
        self._start_pose = self._current_pose()

    def _restart_pose(self, goal: GoalPose) -> GoalPose:
        """The pose a restart takes: ``restart_blend`` (times :attr:`restart_reach`) of the
        way from the last fresh episode's settled start to the recorded goal pose (draws only
        when it is not 1); a goal restart's own pose where only bank starts blend
        (``blend_goal_restarts``), its :attr:`restart_share` left None."""
        if not (self.banked or self.config.blend_goal_restarts):
            return goal
        low, high = (end * self.restart_reach for end in self.config.restart_blend)
        if low == high == 1.0 or self._start_pose is None:
            self.restart_share = 1.0
            return goal
        self.restart_share = float(self.np_random.uniform(low, high))
        return blend_poses(
            self.scene.model, self.data, self._joint_qpos, self._palm_body,
            self._start_pose, goal, self.restart_share,
        )  # fmt: skip

    def pose_with_parts(self, pose: GoalPose, parts: Collection[str]) -> GoalPose:
        """``pose`` with only ``parts`` (:data:`~cubehand.sim.pose_parts.POSE_PARTS`) kept and
        the rest taken from the last fresh episode's settled start (reset first)."""
        if self._start_pose is None:
            raise RuntimeError("pose_with_parts needs a fresh episode's settled start: reset")
        if self._pose_scratch is None:
            self._pose_scratch = mujoco.MjData(self.scene.model)
        return mix_pose_parts(
            self.scene.model, self._pose_scratch, self._joint_qpos,
            self._palm_body, self._start_pose, pose, parts,
        )  # fmt: skip

    def _record_goal_pose(self, kind: str = "any", keep: bool = True) -> None:
        """Keep the hand and cube as they are at a goal met of ``kind`` where ``keep``
        (``goal_restarts``) and hand them to :attr:`on_goal_pose`, the cube's model frame
        turned so that its +z points up in the hand (the locked cube's hinge)."""
        pose = self._current_pose()
        pose.cube[3:7] = symmetric_pose(pose.cube[3:7], up_symmetry(self._model_up()))
        if keep:
            self.goal_poses.append(pose)
        if self.on_goal_pose is not None:
            self.on_goal_pose(kind, pose)

    def _place(self, pose: GoalPose) -> None:
        """Put the hand and the (aligned, still) cube in a recorded goal pose."""
        self.data.qpos[self._joint_qpos] = pose.joints
        self.data.qvel[self._joint_dof] = pose.joint_speeds
        self.data.qpos[self.scene.cube_qpos] = pose.cube
        self.data.qvel[self.scene.cube_dof] = 0.0
        self.target = pose.targets.copy()
        mujoco.mj_forward(self.scene.model, self.data)

    def _start_hand(self) -> None:
        """Joint targets of ``start_pose`` (from the flat hand), and an empty latency queue."""
        self.target = self._start_targets(draw=True)
        latency = int(round(self.values["action_latency"]))
        self._pending: deque[np.ndarray] = deque([np.zeros(len(self.target))] * latency)

    def _start_targets(self, draw: bool) -> np.ndarray:
        """Joint targets of ``start_pose``: the flat hand, mid-range, or (``random``) each
        joint a uniform draw of the way between them (halfway without ``draw``)."""
        flat = rest_ctrl(self.scene)
        mid = (self.scene.hand_ctrl_low + self.scene.hand_ctrl_high) / 2
        if self.config.start_pose == "flat":
            return flat
        if self.config.start_pose == "mid":
            return mid
        share = self.np_random.uniform(0.0, 1.0, flat.shape) if draw else 0.5
        return flat + share * (mid - flat)

    def _release(self, begin: bool = False) -> None:
        """Open the hand for ``release_steps`` control steps, to the flat hand or straight to
        the start pose (``release_pose``); the start pose's targets are then in place. With
        ``begin`` the goal drawn before the opening begins after it."""
        self._start_hand()  # one draw, so the opening holds the very pose the next goal starts
        hold = self.target.copy() if self.config.release_pose == "start" else rest_ctrl(self.scene)
        report = self.on_release_step or (lambda _done: None)
        report(0)
        for done in range(1, self.config.release_steps + 1):
            self._command(hold)
            run_substeps(self.scene, self.data)
            self.moves += self.tracker.update(self._model_angles())
            report(done)
        self.state = self.tracker.state
        self._read_hand_frame()
        if begin:
            self._begin_goal()
        self.goal_steps = 0
        self._note_start_yaw()
        self._distance = self._goal_distance()
        self._potential = self._pose_potential()

    def step(
        self, action: np.ndarray
    ) -> tuple[dict[str, np.ndarray], float, bool, bool, dict[str, Any]]:
        """Apply one action (20 bins of joint-target change) for one control step."""
        self.prepare_step(action)
        run_substeps(self.scene, self.data)
        return self.finish_step()

    def prepare_step(self, action: np.ndarray) -> None:
        """First half of :meth:`step`: turn the action into controls (no physics)."""
        self._apply_action(np.asarray(action))
        self._command(self.target)

    def _command(self, targets: np.ndarray) -> None:
        """Set the controls for joint ``targets`` and move any perturbation (no physics)."""
        set_controls(self.scene, self.data, targets)
        if self.perturbation is not None:
            self.perturbation.update(self.data, self.data.xpos[self._core])

    def finish_step(self) -> tuple[dict[str, np.ndarray], float, bool, bool, dict[str, Any]]:
        """Second half of :meth:`step`, after the physics ran: track, judge, observe."""
        self.goal_steps += 1
        if self.goal_steps == 1 and self._start_yaw_key is not None:
            self.start_yaws.setdefault(self._start_yaw_key, [0, 0])[1] += 1
        self._read_hand_frame()
        failure: Failure | None = None
        self.moves += self.tracker.update(self._model_angles())
        self.state = self.tracker.state
        distance = self._goal_distance()
        reward = self._distance - distance
        self._distance = distance
        potential = self._pose_potential()
        reward += potential - self._potential
        self._potential = potential
        terminated = truncated = released = met = False
        ended_at: CubePlacement | None = None
        if blew_up(self.data):
            # MuJoCo reset the physics after a blow-up; the episode cannot go on honestly.
            failure, terminated = "unstable", True
        elif is_dropped(self.scene, self.data):
            reward += self.config.drop_penalty
            failure, terminated = "drop", True
        elif self._goal_met():
            if self.goal.expected is not None and self.goal.expected != self.state:
                failure, terminated = "mismatch", True
            else:
                reward += self.config.goal_bonus
                met = True
                ended_at = self.cube_placement()  # before the next goal and the opening
                kind = self.goal.kind
                keep_pose = bool(self.config.goal_restarts) and (
                    self.config.restart_after in ("any", kind)
                )
                record_pose = keep_pose or self.on_goal_pose is not None
                # With square_from_place the hand does not open after a square goal (the
                # opening would undo it), and the next goal is drawn now but begun after an
                # opening, so that its square test reads the cube where it settled.
                opens = bool(self.config.release_steps) and not (
                    kind == "square" and self.config.square_from_place
                )
                later = opens and self.config.square_from_place
                if record_pose and not opens:
                    self._record_goal_pose(kind, keep_pose)
                if self.goal.kind != "square":  # a square goal only prepares a rotation
                    self.successes += 1
                self.met[self.goal.kind] += 1
                self._record_goal_place()
                if self._flip_direction is not None:
                    self.flips[self._flip_direction][0] += 1
                if self.goal.kind == "rotate":
                    self.rotations[self.goal.direction][0] += 1
                self.sequels[f"{self._before}>{self.goal.kind}"][0] += 1
                self.start_yaws[self._start_yaw_key][0] += 1
                self._before = self.goal.kind
                self._start_next_goal(begin=not later)
                if self.successes >= self.config.max_successes or self.goal is None:
                    terminated = True
                    if later:  # begun here, as without square_from_place, for the counts
                        self._begin_goal()
                elif opens:
                    self._release(begin=later)
                    released = True
                    if record_pose and not is_dropped(self.scene, self.data):
                        self._record_goal_pose(kind, keep_pose)  # as the next goal finds it
        elif self.goal_steps >= self.config.goal_timeout:
            if (
                self._plan is None
                and self.timeouts < self.config.timeouts_allowed
                and (self._can_go_on())
            ):
                self.timeouts += 1
                ended_at = self.cube_placement()  # the goal timed out; the episode goes on
                self._before = "timeout"
                self._start_next_goal()
            else:
                failure, truncated = "timeout", True
        fresh_memory = released or (met and self.config.memory_per_goal)
        if failure is not None and failure != "unstable":  # (unstable: the physics was reset)
            ended_at = self.cube_placement()
        info = self._info(failure, released, fresh_memory, ended_at)
        return self._observe(), float(reward), terminated, truncated, info

    # -- goals -----------------------------------------------------------------------------
    def _next_goal(self, begin: bool = True) -> None:
        """Draw the next goal and (unless ``begin`` is false, for :meth:`_begin_goal` later)
        begin it."""
        cube = self._cube_in_hand()
        #: Whether the goal drawn is a rotation that has waited behind its square goal.
        self._waited = self._waiting is not None
        if self._waited:  # its square goal has just ended, met or (in training) timed out
            self.goal, self._waiting = self._waiting, None
        elif self._plan is not None:
            self.goal = next(self._plan, None)
        else:
            weights = self._side_weights(cube)
            self.goal = curriculum_goal(
                up_face(cube), self.np_random, self._rotate_probability(), weights,
                self.ccw_probability,
            )  # fmt: skip
        if begin:
            self._begin_goal()
        else:  # the drawn goal's face turns freely while the hand opens, as it would begun
            self._lock_layers()

    def _begin_goal(self) -> None:
        """Start the goal drawn by :meth:`_next_goal`: put a square goal in front of a
        rotation that needs one, then reset the goal's clock, targets and counts."""
        cube = self._cube_in_hand()
        if (
            self.goal is not None
            and self.goal.kind == "rotate"
            and not self._waited
            and self._wants_square(cube)
        ):
            self._waiting, self.goal = self.goal, Goal("square", self.goal.face)
        self.goal_steps = 0
        self._note_start_yaw()
        self.goal_angles = self._aligned_angles()
        #: Origin of the observed face angles (``face_angle_origin``).
        self._angle_origin = (
            self.goal_angles.copy() if self.config.face_angle_origin == "goal" else np.zeros(6)
        )
        self._flip_direction = None
        #: ``face_order: hand``: the cube symmetry the policy sees this goal through (its
        #: matrix) and the face order it gives, fixed at the goal's first observation.
        self._view: tuple[np.ndarray, np.ndarray] | None = None
        if self.goal is not None:
            self.attempts[self.goal.kind] += 1
            self.sequels.setdefault(f"{self._before}>{self.goal.kind}", [0, 0])[1] += 1
        if self.goal is not None and self.goal.kind == "flip":
            self._flip_direction = flip_direction(cube, self.goal.face)
            self.flips.setdefault(self._flip_direction, [0, 0])[1] += 1
        if self.goal is not None and self.goal.kind == "rotate":
            self.rotations.setdefault(self.goal.direction, [0, 0])[1] += 1
            index = FACES.index(self.goal.face)
            self.goal_angles[index] += -QUARTER if self.goal.direction == "cw" else QUARTER
        self._lock_layers()

    def _wants_square(self, cube: np.ndarray) -> bool:
        """Whether a rotation would start with the cube turned farther than ``square_first``
        off square or (``square_from_place``) farther than ``square_radius`` off its place;
        not by place at a fresh start, where the cube lies at rest and the start pose is yet
        to close on it (with ``place_origin: start``, push it to its place; with ``rest`` it
        lies at its place already)."""
        first = self.config.square_first
        if first is None:
            return False
        if yaw_off_square(cube) > first:
            return True
        radius = self.square_radius
        if not self.config.square_from_place or radius is None or self._before == "start":
            return False
        return self._off_place() > radius

    def _side_weights(self, cube: np.ndarray) -> dict[str, float] | None:
        """Curriculum weight of flipping each face up: its direction's share from
        :attr:`flip_weights` (1 without), 0 outside ``flip_directions``; ``None`` (uniform)
        when nothing is restricted (where no side face is left, the draw is uniform too)."""
        allowed = self.config.flip_directions
        if self.flip_weights is None and set(allowed) == set(FLIP_DIRECTIONS):
            return None
        weights = {}
        for face in FACES:
            direction = flip_direction(cube, face)
            share = 1.0 if self.flip_weights is None else self.flip_weights[direction]
            weights[face] = share if direction in allowed else 0.0
        return weights

    def _set_breakaway(self) -> None:
        """Give the cube's mechanism its breakaway torque times :attr:`cube_stiffness`."""
        mechanism, params = self.scene.mechanism, self.scene.config.cube_params
        if mechanism is not None and params.weld_breakaway is not None:
            mechanism.breakaway = params.weld_breakaway * self.cube_stiffness

    def _lock_layers(self) -> None:
        """Add :attr:`layer_lock` to the damping of every hinge but the one the goal turns."""
        turned = self.goal is not None and self.goal.kind == "rotate"
        extra = np.full(len(self._hinge_faces), self.layer_lock)
        if turned:
            extra[self._hinge_faces == FACES.index(self.goal.face)] = 0.0
        self.scene.model.dof_damping[self.scene.hinge_dof] = self._hinge_damping + extra

    def _start_next_goal(self, begin: bool = True) -> None:
        """Re-anchor the locked cube to the face now up, then draw and (unless ``begin`` is
        false) start the next goal and measure how far it is (a goal begun later, after the
        hand opens, is measured then, by :meth:`_release`)."""
        if self.scene.config.cube == "locked":
            anchor = reanchor_up(self.scene, self.data, self.state, self.anchor, self._model_up())
            if anchor is not self.anchor:  # the hinge now turns another cube face
                self._set_anchor(anchor)
                self.tracker = self._new_tracker()
        self._next_goal(begin)
        if begin:
            self._distance = self._goal_distance()

    def _can_go_on(self) -> bool:
        """Whether a goal can follow a timed-out one: the locked cube can be re-anchored only
        with its top layer at a quarter turn, where the tracker has counted the turn (the full
        cube always can)."""
        if self.scene.config.cube != "locked" or self._model_up() == "U":
            return True
        misalignment = self.tracker.misalignment(self._model_angles())
        return bool(np.all(np.abs(misalignment) < self.tracker.tolerance))

    def _goal_met(self) -> bool:
        if self.goal is None:
            return False
        cube = self._cube_in_hand()
        tilt = face_tilt(cube, self.goal.face)
        if tilt > self.config.orientation_tolerance:
            return False
        if np.any(np.abs(self._cube_angles() - self.goal_angles) > self.config.face_tolerance):
            return False
        dof = self.data.qvel[self.scene.cube_dof]
        if np.linalg.norm(dof[3:6]) > self.config.max_cube_speed:
            return False
        if np.any(np.abs(self.data.qvel[self.scene.hinge_dof]) > self.config.max_face_speed):
            return False
        off_rest = np.linalg.norm(self._cube_in_palm())
        if off_rest >= self.config.palm_radius:
            return False
        if self.goal.kind == "square":
            if self.square_radius is not None and self._off_square_place() > self.square_radius:
                return False
            return bool(yaw_off_square(cube) <= self.config.square_first)
        flip = self.goal.kind == "flip"
        radius = self.flip_radius if flip else self.rotate_radius
        if radius is not None and self._off_place() >= radius:
            return False
        if not flip and self.rotate_tilt is not None and tilt > self.rotate_tilt:
            return False
        if not flip and self.rotate_pose is not None and self._pose_off_start() > self.rotate_pose:
            return False
        square = self.flip_square if flip else self.rotate_square
        return square is None or bool(yaw_off_square(cube) <= square)

    def _off_place(self) -> float:
        """m from the cube's centre to its place (``place_origin``)."""
        offset = self._cube_in_palm()
        if self.config.place_origin == "start":
            offset = offset - self._start_place
        return float(np.linalg.norm(offset))

    def _off_square_place(self) -> float:
        """m from the cube's centre to where square_radius measures from (its rest point, or
        with ``square_from_place`` its place)."""
        if self.config.square_from_place:
            return self._off_place()
        return float(np.linalg.norm(self._cube_in_palm()))

    def _pose_off_start(self) -> float:
        """Distance of the joint targets from the start pose's (``start_pose: random``
        counts from halfway), as :meth:`_targets_off`."""
        return self._targets_off(self._start_centre)

    def _targets_off(self, centre: np.ndarray | float) -> float:
        """Mean distance of the joint targets from ``centre``, each scaled to [-1, 1] over
        its range."""
        return float(np.abs(self._scaled(self.target) - centre).mean())

    def _note_start_yaw(self) -> None:
        """Keep the goal's ``start_yaws`` key: how far the cube is turned off square with the
        hand now, as the goal starts."""
        if self.goal is None:
            self._start_yaw_key = None
            return
        degrees = float(np.degrees(yaw_off_square(self._cube_in_hand())))
        self._start_yaw_key = start_yaw_key(self.goal.kind, degrees)

    def _record_goal_place(self) -> None:
        """Add where the goal just met left the cube to :attr:`goal_places`."""
        place = self.goal_places[self.goal.kind]
        offset = self._cube_in_palm()
        cube = self._cube_in_hand()
        place[0] += 1000.0 * float(np.linalg.norm(offset))
        place[1] += float(np.degrees(yaw_off_square(cube)))
        place[2] += 1000.0 * float(np.linalg.norm(offset - self._start_place))
        place[3] += float(np.degrees(face_tilt(cube, self.goal.face)))
        place[4] += self._pose_off_start()

    def _goal_distance(self) -> float:
        if self.goal is None:
            return 0.0
        cube = self._cube_in_hand()
        distance = face_tilt(cube, self.goal.face)
        distance += float(np.abs(self._cube_angles() - self.goal_angles).sum())
        if self.config.centre_weight:
            radius = self.config.centre_radius or self.config.palm_radius
            excess = self._off_place() - radius
            distance += self.config.centre_weight * max(0.0, float(excess))
        square = self.goal.kind == "square"
        yaw = yaw_off_square(cube) if self.config.square_weight or square else 0.0
        distance += self.config.square_weight * yaw
        if square:  # the turn left to go, and the way back to rest
            distance += yaw
            if self.square_radius is not None:
                beyond = self._off_square_place() - self.square_radius
                distance += self.config.square_place_weight * max(0.0, beyond)
        return distance

    def _pose_potential(self) -> float:
        """Shaping potential of the joint targets (0 at ``shaping_pose``, see
        ``pose_shaping``)."""
        if self.config.pose_shaping == 0.0:
            return 0.0
        return -self.config.pose_shaping * self._targets_off(self._shaping_centre)

    def _scaled(self, targets: np.ndarray) -> np.ndarray:
        """Joint targets scaled to [-1, 1] over each actuator's range (0 at mid-range)."""
        low, high = self.scene.hand_ctrl_low, self.scene.hand_ctrl_high
        return 2 * (targets - low) / (high - low) - 1

    # -- physical quantities ------------------------------------------------------------
    def _read_hand_frame(self) -> None:
        """Read the palm's pose once per step (goal tests and observations share it)."""
        self._hand = hand_rotation(self.scene.model, self.data, self._palm_body)
        self._palm = self.data.xpos[self._palm_body].copy()

    def _set_anchor(self, anchor: Orientation) -> None:
        self.anchor = anchor
        self._anchor_matrix = anchor.matrix.astype(float)
        #: Cube face index (URFDLB) of each model hinge.
        self._hinge_faces = np.array([FACES.index(anchor.face_at(f)) for f in self.scene.faces])

    def _cube_in_hand(self) -> np.ndarray:
        """Cube frame to hand frame rotation."""
        model_pose = self.data.xmat[self._core].reshape(3, 3)
        return self._hand.T @ model_pose @ self._anchor_matrix

    def _cube_in_palm(self) -> np.ndarray:
        """Cube centre relative to its resting point, in the hand frame (m)."""
        return self._hand.T @ (self.data.xpos[self._core] - self._palm) - self._rest_offset

    def _model_up(self) -> str:
        return up_face(self._hand.T @ self.data.xmat[self._core].reshape(3, 3))

    @property
    def before(self) -> str:
        """What came before the goal under way: ``start``, ``bank`` or ``restart`` for an
        episode's first goal (a fresh start, a pose bank, a goal restart), else the kind of
        goal met (or ``timeout``) just before it."""
        return self._before

    def cube_placement(self) -> CubePlacement:
        """Where the cube lies on the palm now (as of the last step or reset)."""
        cube = self._cube_in_hand()
        offset = self._cube_in_palm() - self._start_place
        return CubePlacement(
            offset=float(np.linalg.norm(offset[:2])),
            yaw=float(yaw_off_square(cube)),
            tilt=float(face_tilt(cube, up_face(cube))),
            speed=float(np.linalg.norm(self.data.qvel[self.scene.cube_dof][3:6])),
            across=float(offset[0]),
            along=float(offset[1]),
        )

    def _new_tracker(self) -> FaceTracker:
        """A tracker whose moves name the cube faces that the model's hinges turn."""
        faces = "".join(self.anchor.face_at(face) for face in self.scene.faces)
        return FaceTracker(self.state, faces, self._model_angles())

    def _model_angles(self) -> np.ndarray:
        return self.data.qpos[self.scene.hinge_qpos].copy()

    def _per_cube_face(self, hinge_values: np.ndarray) -> np.ndarray:
        """Hinge values placed by cube face (URFDLB, cube frame); rigid faces read 0."""
        values = np.zeros(6)
        values[self._hinge_faces] = hinge_values
        return values

    def _cube_angles(self) -> np.ndarray:
        """Hinge angle of each cube face."""
        return self._per_cube_face(self._model_angles())

    def _aligned_angles(self) -> np.ndarray:
        return np.round(self._cube_angles() / QUARTER) * QUARTER

    # -- actions and observations -------------------------------------------------------
    def _apply_action(self, action: np.ndarray) -> None:
        if action.shape != self.target.shape:
            raise ValueError(f"action must have {len(self.target)} entries, got {action.shape}")
        low, high = self.scene.hand_ctrl_low, self.scene.hand_ctrl_high
        half = (ACTION_BINS - 1) / 2
        bins = (action.astype(float) - half) / half
        bins += self.np_random.normal(0.0, 1.0, bins.shape) * self.values["action_noise"] / half
        delta = bins * self._action_step() * (high - low)
        self._pending.append(delta)
        self.target = np.clip(self.target + self._pending.popleft(), low, high)

    def _action_step(self) -> float:
        """Joint-target change of a full bin for the current goal, as a fraction of range."""
        rotating = self.goal is not None and self.goal.kind == "rotate"
        if rotating and self.config.rotate_action_step is not None:
            return self.config.rotate_action_step
        return self.config.action_step

    def _observe(self) -> dict[str, np.ndarray]:
        model, data = self.scene.model, self.data
        hand, palm = self._hand, self._palm
        tips = ((data.site_xpos[self._tip_sites] - palm) @ hand).ravel()
        cube_pos = self._cube_in_palm()
        cube = self._cube_in_hand()
        quat = rotation_quaternion(cube)
        seen_pos, seen = cube_pos, cube
        if self.pose_source is not None:  # the policy sees an estimate, the critic the truth
            position, rotation = self.pose_source(model, data)
            seen_pos = hand.T @ (position - palm) - self._rest_offset
            seen = hand.T @ rotation
        goal_rotation = seen if self.goal is None else rotation_bringing_up(seen, self.goal.face)
        if self.goal is not None and self.goal.kind == "square":
            goal_rotation = squared(goal_rotation)
        goal_quat = rotation_quaternion(goal_rotation)
        relative = rotation_quaternion(goal_rotation @ seen.T)
        angles = self._cube_angles() - self._angle_origin
        goal_angles = self.goal_angles - self._angle_origin
        noise = self.values["obs_noise"]
        seen_quat = quat if seen is cube else rotation_quaternion(seen)
        order = None
        if self.config.face_order == "hand":
            if self._view is None:  # fixed for the whole goal
                symmetry = home_symmetry(seen)
                self._view = (symmetry.matrix.astype(float), faces_by_place(symmetry))
            turn, order = self._view
            seen_quat = rotation_quaternion(seen @ turn)
            goal_quat = rotation_quaternion(goal_rotation @ turn)
        noisy = np.concatenate([seen_pos, seen_quat, tips]) + self._bias
        noisy += self.np_random.normal(0.0, 1.0, noisy.shape) * noise
        noisy_angles = angles + self.np_random.normal(0.0, 10 * noise, 6)
        if order is not None:
            noisy_angles, goal_angles = noisy_angles[order], goal_angles[order]
        qpos, qvel = data.qpos[self._joint_qpos], data.qvel[self._joint_dof]
        observation = {
            "fingertips": noisy[7:],
            # The joint targets the controller commands: known exactly, as on a real robot.
            "hand_targets": self._scaled(self.target),
            "cube_position": noisy[:3],
            "cube_quaternion": noisy[3:7] / np.linalg.norm(noisy[3:7]),
            "goal_quaternion": goal_quat,
            "relative_goal_quaternion": relative,
            "face_angles": _sin_cos(noisy_angles),
            "goal_face_angles": _sin_cos(goal_angles),
            "relative_face_angles": _sin_cos(goal_angles - noisy_angles),
            "privileged": np.concatenate(
                [
                    qpos,
                    qvel,
                    cube_pos,
                    quat,
                    tips,
                    _sin_cos(angles),
                    data.qvel[self.scene.cube_dof],
                    self._per_cube_face(data.qvel[self.scene.hinge_dof]),
                    np.array([self.values[p.name] for p in PARAMETERS]),
                ]
            ),  # fmt: skip
        }
        return {k: v.astype(np.float32) for k, v in observation.items()}

    def _info(
        self,
        failure: Failure | None,
        released: bool = False,
        fresh_memory: bool = False,
        ended_at: CubePlacement | None = None,
    ) -> dict[str, Any]:
        return {
            "successes": self.successes,
            "timeouts": self.timeouts,
            "goal": None if self.goal is None else self.goal.kind,
            "goal_face": None if self.goal is None else self.goal.face,
            # The goal under way as ``"before>kind"`` (its key in ``sequels``), or None.
            "sequel": None if self.goal is None else f"{self._before}>{self.goal.kind}",
            "failure": failure,
            "attempts": dict(self.attempts),
            "met": dict(self.met),
            "flips": {direction: tuple(counts) for direction, counts in self.flips.items()},
            "rotations": {direction: tuple(counts) for direction, counts in self.rotations.items()},
            "sequels": {key: tuple(counts) for key, counts in self.sequels.items()},
            "start_yaws": {key: tuple(counts) for key, counts in self.start_yaws.items()},
            "goal_places": {kind: tuple(place) for kind, place in self.goal_places.items()},
            "state": self.state.facelets,
            "moves": [str(m) for m in self.moves],
            "released": released,
            # The policy's memory restarts after this step (hand opened, memory_per_goal).
            "fresh_memory": fresh_memory,
            "restarted": self.restarted,
            "banked": self.banked,
            "restart_share": self.restart_share,
            # Where the goal that ended at this step (met, failed or timed out with the
            # episode going on) left the cube, before the hand opened for the next one;
            # None where no goal ended or the physics blew up.
            "goal_end": ended_at,
        }

    def _build(self, scene_config: SceneConfig) -> None:
        self.scene: Scene = build_scene(scene_config)
        self._scene_size = scene_config.cube_params.size
        self.randomizer = PhysicsRandomizer(self.scene.model)
        model = self.scene.model
        self._core = model.body("cube:core").id
        self._hinge_damping = model.dof_damping[self.scene.hinge_dof].copy()
        self._palm_body = palm_body(model)
        self.perturbation = (
            None
            if scene_config.perturbation is None
            else PerturbationDriver.for_scene(model, scene_config.perturbation)
        )
        self._tip_sites = np.array([model.site(name).id for name in FINGERTIP_SITES])
        joints = [model.joint(name).id for name in JOINT_NAMES]
        self._joint_qpos, self._joint_dof = model.jnt_qposadr[joints], model.jnt_dofadr[joints]
        #: Scratch data for :meth:`pose_with_parts`' kinematics, made on its first call.
        self._pose_scratch: mujoco.MjData | None = None
        data = mujoco.MjData(self.scene.model)
        settle(self.scene, data)
        self._rest_offset = self._core_in_hand(data)
        if self._start_place is None:
            self._start_place = self._measure_start_place(data)

    def _measure_start_place(self, data: mujoco.MjData) -> np.ndarray:
        """Where the start pose (``random``: halfway from flat to mid-range) holds the cube
        settled on the flat hand, after START_PLACE_SECONDS, relative to its rest point."""
        targets = self._start_targets(draw=False)
        for _ in range(int(round(START_PLACE_SECONDS / self.scene.config.control_dt))):
            control_step(self.scene, data, targets)
        return self._core_in_hand(data) - self._rest_offset

    def _core_in_hand(self, data: mujoco.MjData) -> np.ndarray:
        """The cube's centre relative to the palm in the hand frame (m), read from ``data``
        (the episode's own :meth:`_cube_in_palm` uses the hand pose cached at each step)."""
        hand = hand_rotation(self.scene.model, data, self._palm_body)
        return hand.T @ (data.xpos[self._core] - data.xpos[self._palm_body])


def observation_sizes() -> dict[str, int]:
    """Length of each observation group."""
    return {
        "fingertips": 15, "hand_targets": 20, "cube_position": 3, "cube_quaternion": 4,
        "goal_quaternion": 4, "relative_goal_quaternion": 4, "face_angles": 12,
        "goal_face_angles": 12, "relative_face_angles": 12,
        "privileged": 24 + 24 + 3 + 4 + 15 + 12 + 6 + 6 + len(PARAMETERS),
    }  # fmt: skip


def _sin_cos(angles: np.ndarray) -> np.ndarray:
    return np.concatenate([np.sin(angles), np.cos(angles)])
