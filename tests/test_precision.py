"""Autocast regions by configured number format."""

import torch

from cubehand.precision import autocast


def test_bfloat16_runs_matrix_products_in_bfloat16_and_float32_changes_nothing():
    a, b = torch.randn(4, 8), torch.randn(8, 3)
    with autocast("cpu", "bfloat16"):
        assert (a @ b).dtype == torch.bfloat16
    with autocast("cpu", "float32"):
        product = a @ b
    assert product.dtype == torch.float32
    assert torch.equal(product, a @ b)
