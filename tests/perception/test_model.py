"""The pose network: shapes, 6D rotations, error measures, and that it can fit."""

import numpy as np
import torch

from cubehand.perception.metrics import pose_errors, pose_loss
from cubehand.perception.model import (
    CUBE_ROTATIONS,
    OUTPUTS,
    PoseEstimate,
    PoseNet,
    VisionConfig,
    decode,
    rotation_from_6d,
)

SMALL = VisionConfig(resolution=32, channels=(8, 16), view_features=16, hidden=32)


def test_outputs_decode_to_rotations():
    net = PoseNet(SMALL)
    raw = net(torch.randint(0, 255, (4, 3, 32, 32, 3), dtype=torch.uint8))
    assert raw.shape == (4, OUTPUTS)
    estimate = decode(raw)
    for rotation in estimate.rotation:
        np.testing.assert_allclose(rotation @ rotation.T, np.eye(3), atol=1e-5)
        assert np.linalg.det(rotation) > 0
    assert estimate.position.shape == (4, 3) and estimate.top_angle.shape == (4,)


def test_6d_of_a_rotation_gives_it_back():
    rotation = torch.tensor([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    raw = torch.cat([rotation[:, 0], rotation[:, 1]])[None]
    torch.testing.assert_close(rotation_from_6d(raw)[0], rotation)


def test_errors_are_zero_for_the_truth_and_right_for_known_offsets():
    rotation = np.eye(3)[None]
    quarter = np.array([[[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]])
    truth = PoseEstimate(np.zeros((1, 3)), rotation, np.array([3.1]))
    errors = pose_errors(truth, np.zeros((1, 3)), rotation, np.array([3.1]))
    assert all(float(v[0]) < 1e-3 for v in errors.values())
    off = PoseEstimate(np.array([[0.003, 0.004, 0.0]]), quarter, np.array([-3.1]))
    errors = pose_errors(off, np.zeros((1, 3)), rotation, np.array([3.1]))
    assert abs(errors["position_mm"][0] - 5.0) < 1e-6
    assert abs(errors["orientation_deg"][0] - 90.0) < 1e-4
    assert abs(errors["face_angle_deg"][0] - np.degrees(2 * np.pi - 6.2)) < 1e-4  # wraps


def test_the_network_fits_a_small_batch():
    torch.manual_seed(0)
    net = PoseNet(SMALL)
    images = torch.randint(0, 255, (8, 3, 32, 32, 3), dtype=torch.uint8)
    position = torch.rand(8, 3) * 0.02
    rotation = rotation_from_6d(torch.randn(8, 6))
    angle = torch.rand(8) * 6 - 3
    optimizer = torch.optim.Adam(net.parameters(), lr=3e-3)
    first = None
    for _ in range(150):
        loss, _ = pose_loss(net(images), position, rotation, angle)
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.2 * first


def test_projection_puts_the_camera_target_at_the_image_centre():
    import mujoco

    from cubehand.perception.examples import project
    from cubehand.sim.scene import CUBE_REST, SceneConfig, build_scene

    model = build_scene(SceneConfig(cube="full")).model
    data = mujoco.MjData(model)
    mujoco.mj_forward(model, data)
    camera = model.camera("cam:left").id
    column, row = project(CUBE_REST, data.cam_xpos[camera], data.cam_xmat[camera].reshape(3, 3),
                          float(model.cam_fovy[camera]), 96)  # fmt: skip
    assert abs(column - 48) < 0.5 and abs(row - 48) < 0.5
    above = project(
        CUBE_REST + [0, 0, 0.02],
        data.cam_xpos[camera],
        data.cam_xmat[camera].reshape(3, 3),
        float(model.cam_fovy[camera]),
        96,
    )
    assert above[1] < row  # higher in the world is higher in the image


def test_the_24_classes_are_the_cube_rotations_and_decode_composes_class_and_residual():
    assert len(CUBE_ROTATIONS) == 24
    assert len({tuple(m.ravel()) for m in CUBE_ROTATIONS}) == 24
    for m in CUBE_ROTATIONS:
        np.testing.assert_allclose(m @ m.T, np.eye(3))
        assert np.isclose(np.linalg.det(m), 1.0)
    raw = torch.zeros(1, OUTPUTS)
    raw[0, 3 + 5] = 10.0  # class 5
    residual = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])  # 90 deg yaw
    start = 3 + 24 + 5 * 6
    raw[0, start : start + 6] = torch.tensor([*residual[:, 0], *residual[:, 1]])
    raw[0, -2:] = torch.tensor([0.0, 2.0])
    estimate = decode(raw)
    np.testing.assert_allclose(estimate.rotation[0], residual @ CUBE_ROTATIONS[5], atol=1e-6)
    assert np.isclose(estimate.top_angle[0], np.pi / 2)


def test_extra_convolutions_keep_the_output_and_add_layers():
    deeper = VisionConfig(resolution=32, channels=(8, 16), view_features=16, hidden=32,
                          extra_convs=1)  # fmt: skip
    net, plain = PoseNet(deeper), PoseNet(SMALL)
    convs = [m for m in net.trunk if isinstance(m, torch.nn.Conv2d)]
    assert [c.stride for c in convs] == [(2, 2), (1, 1), (2, 2), (1, 1)]
    assert net(torch.zeros((2, 3, 32, 32, 3), dtype=torch.uint8)).shape == (2, OUTPUTS)
    # Without extra convolutions the layer names stay those of older weights.
    assert "trunk.3.weight" in plain.state_dict() and "trunk.6.weight" not in plain.state_dict()
