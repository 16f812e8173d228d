"""Visual randomization as data: what a rendered image may vary in, and how it is applied.

Each parameter has a nominal value (what the scene shows unrandomized) and a largest
deviation; a ``scale`` in [0, 1] sets how much of that deviation an episode may draw, so
training can start narrow and widen the ranges (by hand, or per parameter by the
accuracy-driven ADR of :mod:`cubehand.perception.visual_adr`). Parameters act on the model
(lights, colours, textures, materials, cameras) or on the rendered image (noise, blur,
gain). Values are drawn per episode from a passed-in generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import mujoco
import numpy as np

from cubehand.perception.visual_textures import (
    BACKGROUND_PATTERNS,
    CUBE_MATERIAL,
    HAND_PATTERNS,
    pattern_index,
)
from cubehand.sim.constants import HAND_PREFIX, VISION_CAMERAS
from cubehand.sim.cube_geometry import FACE_RGBA
from cubehand.sim.cube_parts import MARK_RGBA, mark_name, sticker_name
from cubehand.solver.facelets import FACES

Acts = Literal["model", "image"]


@dataclass(frozen=True)
class VisualParameter:
    """One randomizable visual quantity: uniform in nominal +- scale * deviation."""

    name: str
    description: str
    nominal: float
    deviation: float
    acts_on: Acts
    size: int = 1

    def sample(self, scale: float, rng: np.random.Generator) -> np.ndarray:
        """Draw this parameter's ``size`` values for one episode."""
        return self.nominal + rng.uniform(-1.0, 1.0, self.size) * scale * self.deviation


VISUAL_PARAMETERS: tuple[VisualParameter, ...] = (
    VisualParameter("light_intensity", "scale of the lights' diffuse strength", 1.0, 0.5,
                    "model"),
    VisualParameter("light_colour", "per-channel tint of the light (R, G, B)", 1.0, 0.15,
                    "model", 3),
    VisualParameter("light_direction", "tilt of the light's direction (x, y, rad)", 0.0, 0.6,
                    "model", 2),
    VisualParameter("ambient", "ambient light level", 0.2, 0.15, "model"),
    VisualParameter("sticker_tint", "per-face, per-channel shift of sticker colours", 0.0,
                    0.08, "model", 18),
    VisualParameter("hand_colour", "hand material colour (R, G, B)", 0.8, 0.2, "model", 3),
    VisualParameter("background_colour", "floor colour behind the hand (R, G, B)", 0.45, 0.4,
                    "model", 3),
    VisualParameter("hand_texture", "pattern on the hand: floor(|value|) picks plain (0) or "
                    "one of the hand patterns", 0.0, len(HAND_PATTERNS) + 1, "model"),
    VisualParameter("background_texture", "pattern on the floor: floor(|value|) picks plain "
                    "(0) or one of the floor patterns", 0.0, len(BACKGROUND_PATTERNS) + 1,
                    "model"),
    VisualParameter("texture_scale", "scale of the hand's and the floor's pattern repeats", 1.0,
                    0.5, "model", 2),
    VisualParameter("hand_specular", "specular strength of the hand (clipped to [0, 1])", 0.75,
                    0.5, "model"),
    VisualParameter("hand_shininess", "shininess of the hand (|value|)", 0.1, 0.4, "model"),
    VisualParameter("cube_specular", "specular strength of the cube's plastic and stickers "
                    "(clipped to [0, 1])", 0.5, 0.4, "model"),
    VisualParameter("cube_shininess", "shininess of the cube (clipped to [0, 1])", 0.5, 0.4,
                    "model"),
    VisualParameter("camera_position", "shift of each vision camera (x, y, z per camera, m)",
                    0.0, 0.006, "model", 3 * len(VISION_CAMERAS)),
    VisualParameter("camera_tilt", "small rotation of each vision camera (x, y per camera, "
                    "rad)", 0.0, 0.02, "model", 2 * len(VISION_CAMERAS)),
    VisualParameter("camera_fovy", "shift of the vision cameras' field of view (deg)", 0.0,
                    1.5, "model", len(VISION_CAMERAS)),
    VisualParameter("image_gain", "brightness gain of each image", 1.0, 0.15, "image",
                    len(VISION_CAMERAS)),
    VisualParameter("image_noise", "standard deviation of pixel noise (0-255 scale)", 4.0, 4.0,
                    "image"),
    VisualParameter("image_blur", "standard deviation of a Gaussian blur (pixels)", 0.4, 0.4,
                    "image"),
)  # fmt: skip

_BY_NAME = {p.name: p for p in VISUAL_PARAMETERS}


def sample_visuals(scale: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One episode's visual values for every parameter."""
    if not 0.0 <= scale <= 1.0:
        raise ValueError(f"visual randomization scale must lie in [0, 1], got {scale}")
    return {p.name: p.sample(scale, rng) for p in VISUAL_PARAMETERS}


def sample_visuals_within(
    ranges: Mapping[str, tuple[float, float]], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """One episode's visual values with each parameter drawn uniformly from its own range,
    given in units of its deviation around nominal (``(-1, 1)`` is the full range; ADR's
    ranges). Parameters missing from ``ranges`` stay nominal."""
    values = {}
    for p in VISUAL_PARAMETERS:
        low, high = ranges.get(p.name, (0.0, 0.0))
        if not -1.0 <= low <= high <= 1.0:
            raise ValueError(f"visual range of {p.name} must lie in [-1, 1], got {(low, high)}")
        values[p.name] = p.nominal + rng.uniform(low, high, p.size) * p.deviation
    return values


def nominal_visuals() -> dict[str, np.ndarray]:
    """Every parameter at its nominal value."""
    return sample_visuals(0.0, np.random.default_rng(0))


class VisualRandomizer:
    """Applies visual values to a model, restoring its nominal state first each time.

    The model must be a render scene (:func:`cubehand.perception.visual_textures.
    add_visual_textures` applied to its spec) so that the patterns and the cube's material
    exist.
    """

    def __init__(self, model: mujoco.MjModel) -> None:
        self.model = model
        try:
            self._cube_material = model.material(CUBE_MATERIAL).id
            self._hand_patterns = [model.texture(p.name).id for p in HAND_PATTERNS]
            self._floor_patterns = [model.texture(p.name).id for p in BACKGROUND_PATTERNS]
        except KeyError:
            raise ValueError(
                "the model is not a render scene: build it with add_visual_textures"
            ) from None
        self._cameras = np.array([model.camera(name).id for name in VISION_CAMERAS])
        self._nominal = {
            "light_diffuse": model.light_diffuse.copy(),
            "light_dir": model.light_dir.copy(),
            "cam_pos": model.cam_pos.copy(),
            "cam_quat": model.cam_quat.copy(),
            "cam_fovy": model.cam_fovy.copy(),
            "mat_rgba": model.mat_rgba.copy(),
            "mat_texid": model.mat_texid.copy(),
            "mat_texrepeat": model.mat_texrepeat.copy(),
            "mat_texuniform": model.mat_texuniform.copy(),
            "mat_specular": model.mat_specular.copy(),
            "mat_shininess": model.mat_shininess.copy(),
        }
        self._hand_material = model.material(f"{HAND_PREFIX}MatViz").id
        self._floor_material = model.geom_matid[model.geom("floor0").id]
        self._stickers = np.array([model.geom(sticker_name(i)).id for i in range(54)])
        self._marks = np.array([model.geom(mark_name(face)).id for face in FACES])

    def apply(self, values: Mapping[str, np.ndarray], colours: str) -> None:
        """Set the model's visuals; ``colours`` is the facelet string the stickers show."""
        model = self.model
        for field, nominal in self._nominal.items():
            getattr(model, field)[:] = nominal
        light = values["light_intensity"][0] * values["light_colour"]
        model.light_diffuse[:] = np.clip(self._nominal["light_diffuse"] * light, 0.0, 1.0)
        tilt_x, tilt_y = values["light_direction"]
        direction = self._nominal["light_dir"] + np.array([tilt_x, tilt_y, 0.0])
        model.light_dir[:] = direction / np.linalg.norm(direction, axis=-1, keepdims=True)
        model.vis.headlight.ambient[:] = values["ambient"][0]
        model.mat_rgba[self._hand_material, :3] = np.clip(values["hand_colour"], 0.0, 1.0)
        model.mat_rgba[self._floor_material] = [*np.clip(values["background_colour"], 0, 1), 1]
        self._apply_materials(values)
        tint = values["sticker_tint"].reshape(6, 3)
        for geom, colour in zip(self._stickers, colours, strict=True):
            rgb = np.array(FACE_RGBA[colour][:3]) + tint[FACES.index(colour)]
            model.geom_rgba[geom] = [*np.clip(rgb, 0.0, 1.0), 1.0]
        model.geom_rgba[self._marks] = MARK_RGBA
        shift = values["camera_position"].reshape(len(self._cameras), 3)
        tilt = values["camera_tilt"].reshape(len(self._cameras), 2)
        for row, camera in enumerate(self._cameras):
            model.cam_pos[camera] += shift[row]
            model.cam_quat[camera] = _tilted(self._nominal["cam_quat"][camera], tilt[row])
            model.cam_fovy[camera] += values["camera_fovy"][row]

    def _apply_materials(self, values: Mapping[str, np.ndarray]) -> None:
        """Patterns of the hand and floor, and the gloss of the hand and cube.

        The floor never mirrors the hand: MuJoCo draws a reflecting plane by rendering the
        scene twice, which doubled the cost of a render on the CPU."""
        model = self.model
        hand, floor, cube = self._hand_material, self._floor_material, self._cube_material
        hand_scale, floor_scale = np.abs(values["texture_scale"])
        for material, patterns, choices, value, scale in (
            (hand, HAND_PATTERNS, self._hand_patterns, values["hand_texture"][0], hand_scale),
            (floor, BACKGROUND_PATTERNS, self._floor_patterns, values["background_texture"][0],
             floor_scale),
        ):  # fmt: skip
            index = pattern_index(value, len(patterns))
            if index:
                pattern = patterns[index - 1]
                model.mat_texid[material, mujoco.mjtTextureRole.mjTEXROLE_RGB] = choices[index - 1]
                model.mat_texrepeat[material] = pattern.repeat * scale
                model.mat_texuniform[material] = 1
        model.mat_specular[hand] = np.clip(values["hand_specular"][0], 0.0, 1.0)
        model.mat_shininess[hand] = min(abs(values["hand_shininess"][0]), 1.0)
        model.mat_specular[cube] = np.clip(values["cube_specular"][0], 0.0, 1.0)
        model.mat_shininess[cube] = np.clip(values["cube_shininess"][0], 0.0, 1.0)


def postprocess(
    image: np.ndarray, values: Mapping[str, np.ndarray], camera_index: int,
    rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """Gain, blur and noise on one rendered uint8 image (H x W x 3)."""
    result = image.astype(np.float32) * values["image_gain"][camera_index]
    sigma = float(values["image_blur"][0])
    if sigma > 0.05:
        result = _gaussian_blur(result, sigma)
    noise = float(values["image_noise"][0])
    if noise > 0:
        result += rng.normal(0.0, noise, result.shape).astype(np.float32)
    return np.clip(result, 0, 255).astype(np.uint8)


def _tilted(quat: np.ndarray, tilt: np.ndarray) -> np.ndarray:
    """``quat`` followed by a small rotation about the camera's own x and y axes."""
    angle = float(np.linalg.norm(tilt))
    if angle < 1e-12:
        return quat.copy()
    turn = np.zeros(4)
    mujoco.mju_axisAngle2Quat(turn, np.array([tilt[0], tilt[1], 0.0]) / angle, angle)
    result = np.zeros(4)
    mujoco.mju_mulQuat(result, quat, turn)
    return result


def _gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur of an H x W x C float image."""
    radius = max(1, int(np.ceil(2.5 * sigma)))
    offsets = np.arange(-radius, radius + 1)
    kernel = np.exp(-0.5 * (offsets / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(image, ((radius, radius), (0, 0), (0, 0)), mode="edge")
    image = sum(w * padded[radius + o : radius + o + image.shape[0]] for o, w in
                zip(offsets, kernel, strict=True))  # fmt: skip
    padded = np.pad(image, ((0, 0), (radius, radius), (0, 0)), mode="edge")
    return sum(w * padded[:, radius + o : radius + o + image.shape[1]] for o, w in
               zip(offsets, kernel, strict=True))  # fmt: skip


def parameter(name: str) -> VisualParameter:
    """The registry entry called ``name``."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no visual parameter {name!r}") from None
