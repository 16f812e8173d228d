"""Fine-tuning the pose network under visual ADR, one freshly rendered shard at a time.

Each step (an "epoch" of the config) renders one shard from the ADR's current ranges (shard
``i`` from the training seed ``data.seed + i``), measures the network on it before training
(each render pinned to a bound goes into that bound's buffer, see
:mod:`cubehand.perception.visual_adr`), then trains on it once. The ADR state is saved in
every checkpoint, and the log records its entropy and every range per shard. Shards are not
kept: they depend on the ranges, which depend on the network.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from cubehand.perception.dataset import RenderSource, shard_seed
from cubehand.perception.training import (
    VisionTrainConfig,
    VisionTraining,
    sample_errors,
    tensors_on_device,
)
from cubehand.perception.visual_adr import VisualAdr, met_targets
from cubehand.skills.adr import Boundary
from cubehand.solver.errors import CubeError


class VisionAdrTraining(VisionTraining):
    """A :class:`VisionTraining` whose data come from visual ADR (``config.adr``)."""

    def __init__(self, config: VisionTrainConfig, out_dir: Path) -> None:
        if config.adr is None:
            raise CubeError(f"config {config.name} has no adr section")
        self.visual_adr = VisualAdr(config.adr, np.random.default_rng(config.seed))
        super().__init__(config, out_dir)

    def run_adr(self, on_shard: Callable[[dict[str, Any]], None] | None = None) -> None:
        """Render, measure and train on the remaining shards; ``on_shard`` gets each log
        record."""
        adr = self.config.adr
        assert adr is not None
        size = self.config.data.shard_size
        batches = (size + self.config.batch_size - 1) // self.config.batch_size
        source = RenderSource(self.config.data)
        try:
            while self.epoch < self.config.epochs:
                started = time.perf_counter()
                rng = np.random.default_rng(shard_seed(self.config.data, "train", self.epoch))
                batch, tags = source.tagged_batch(size, rng, self.visual_adr.draw)
                met = met_targets(sample_errors(self.network, batch), adr)
                pinned = np.array([isinstance(tag, Boundary) for tag in tags])
                moved = self.visual_adr.record(tags, met)
                losses = self._train_epoch(
                    tensors_on_device(batch, self.device), batches, lambda: None
                )
                self.epoch += 1
                record = {
                    "shard": self.epoch,
                    "samples": len(batch),
                    "seconds": round(time.perf_counter() - started, 2),
                    "learning_rate": self.optimizer.param_groups[0]["lr"],
                    **{f"loss_{k}": v for k, v in losses.items()},
                    "met_share": float(met.mean()),
                    "boundary_renders": int(pinned.sum()),
                    "boundary_met_share": float(met[pinned].mean()) if pinned.any() else None,
                    "adr_moved": moved,
                    "adr_entropy": self.visual_adr.entropy(),
                    "adr_mean_width": self.visual_adr.mean_width(),
                    "adr_ranges": self.visual_adr.ranges(),
                }
                self._record(record, on_shard)
        finally:
            source.close()

    def _extra_state(self) -> dict[str, Any]:
        return {"visual_adr": self.visual_adr.state_dict()}

    def _load_extra(self, state: dict[str, Any]) -> None:
        self.visual_adr.load_state_dict(state["visual_adr"])
