"""Textures and materials that the vision renders switch between.

MuJoCo uploads every texture of a model when a renderer opens, so a material's texture can
be switched per sample by editing ``mat_texid``. The render scene gets a few procedural
patterns for the hand (cube-mapped: its meshes carry no texture coordinates) and for the
floor behind it, grey-scale so that the randomized material colour tints them, and one
material for every cube geom (coloured by their own ``rgba``) so that the cube's gloss can
vary too. The physics is untouched: none of this changes a contact or a mass.
"""

from __future__ import annotations

from dataclasses import dataclass

import mujoco

_TYPE = mujoco.mjtTexture
_BUILTIN = mujoco.mjtBuiltin
_MARK = mujoco.mjtMark

#: Material that every cube geom wears in a render scene.
CUBE_MATERIAL = "vis:cube"


@dataclass(frozen=True)
class Pattern:
    """One procedural texture and how often it repeats over its material."""

    name: str
    kind: mujoco.mjtTexture
    builtin: mujoco.mjtBuiltin
    rgb1: tuple[float, float, float]
    rgb2: tuple[float, float, float]
    repeat: float
    mark: mujoco.mjtMark = _MARK.mjMARK_NONE
    random: float = 0.0
    markrgb: tuple[float, float, float] = (0.0, 0.0, 0.0)
    size: int = 64


_WHITE, _MID, _DARK = (1.0, 1.0, 1.0), (0.6, 0.6, 0.6), (0.3, 0.3, 0.3)

#: Patterns the hand may wear, in the order a texture index picks them (0 is plain).
HAND_PATTERNS: tuple[Pattern, ...] = (
    Pattern("vis:hand-checker", _TYPE.mjTEXTURE_CUBE, _BUILTIN.mjBUILTIN_CHECKER, _WHITE, _MID, 30),
    Pattern("vis:hand-speckle", _TYPE.mjTEXTURE_CUBE, _BUILTIN.mjBUILTIN_FLAT, _WHITE, _WHITE, 30,
            _MARK.mjMARK_RANDOM, 0.3, _DARK),
    Pattern("vis:hand-gradient", _TYPE.mjTEXTURE_CUBE, _BUILTIN.mjBUILTIN_GRADIENT, _WHITE, _DARK,
            8),
    Pattern("vis:hand-stripes", _TYPE.mjTEXTURE_CUBE, _BUILTIN.mjBUILTIN_FLAT, _WHITE, _WHITE, 12,
            _MARK.mjMARK_EDGE, 0.0, _DARK),
)  # fmt: skip

#: Patterns the floor behind the hand may show (0 is plain).
BACKGROUND_PATTERNS: tuple[Pattern, ...] = (
    Pattern("vis:floor-checker", _TYPE.mjTEXTURE_2D, _BUILTIN.mjBUILTIN_CHECKER, _WHITE, _DARK, 20,
            size=256),
    Pattern("vis:floor-speckle", _TYPE.mjTEXTURE_2D, _BUILTIN.mjBUILTIN_FLAT, _WHITE, _WHITE, 4,
            _MARK.mjMARK_RANDOM, 0.4, _DARK, size=256),
    Pattern("vis:floor-gradient", _TYPE.mjTEXTURE_2D, _BUILTIN.mjBUILTIN_GRADIENT, _WHITE, _DARK,
            3, size=256),
    Pattern("vis:floor-grid", _TYPE.mjTEXTURE_2D, _BUILTIN.mjBUILTIN_FLAT, _WHITE, _WHITE, 12,
            _MARK.mjMARK_EDGE, 0.0, _DARK, size=256),
)  # fmt: skip


def add_visual_textures(spec: mujoco.MjSpec) -> None:
    """Add the hand and floor patterns, and dress every cube geom in :data:`CUBE_MATERIAL`
    (its colour still comes from the geom's own ``rgba``)."""
    for pattern in (*HAND_PATTERNS, *BACKGROUND_PATTERNS):
        spec.add_texture(
            name=pattern.name, type=pattern.kind, builtin=pattern.builtin,
            rgb1=list(pattern.rgb1), rgb2=list(pattern.rgb2), mark=pattern.mark,
            random=pattern.random, markrgb=list(pattern.markrgb),
            width=pattern.size, height=pattern.size,
        )  # fmt: skip
    spec.add_material(name=CUBE_MATERIAL, specular=0.5, shininess=0.5)
    for geom in spec.geoms:
        if geom.name.startswith("cube") and not geom.material:
            geom.material = CUBE_MATERIAL


def pattern_index(value: float, count: int) -> int:
    """The pattern a texture parameter's value picks: ``floor(|value|)``, at most ``count``
    (0: plain, no texture)."""
    return min(int(abs(value)), count)
