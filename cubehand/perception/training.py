"""Training the pose network from a config file, in resumable epochs.

A run lives in ``runs/NAME``: ``data/`` (shards, see :mod:`cubehand.perception.dataset`),
``checkpoint.pt`` (network, optimizer, epoch; written after every epoch),
``log.jsonl`` (one line per epoch) and ``vision.safetensors`` (the latest weights). The
last training shard is kept out of training to monitor progress; the held-out evaluation
shards are never read here.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from cubehand.config_files import load_yaml_config
from cubehand.perception.dataset import Batch, DatasetConfig, generate, read_shards
from cubehand.perception.metrics import pose_errors, pose_loss, summarize
from cubehand.perception.model import PoseNet, VisionConfig, decode
from cubehand.perception.visual_adr import VisionAdrConfig
from cubehand.perception.weights import load_vision, save_vision
from cubehand.precision import Precision, autocast
from cubehand.solver.errors import CubeError


class VisionTrainConfig(BaseModel):
    """A whole vision training run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    seed: int = Field(0, ge=0)
    data: DatasetConfig = Field(default_factory=DatasetConfig)
    network: VisionConfig = Field(default_factory=VisionConfig)
    epochs: int = Field(20, ge=1, description="passes over the shards (with adr: shards)")
    batch_size: int = Field(64, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    init_weights: Path | None = Field(
        None,
        description="vision safetensors to start from (fine-tuning), relative to the working "
        "directory; unused when resuming",
    )
    weight_decay: float = Field(1e-4, ge=0)
    lr_schedule: Literal["epoch", "batch"] = Field(
        "epoch",
        description="the learning rate falls from learning_rate to 0 along a cosine over the "
        "run, stepped once per epoch (a one-epoch run keeps it constant) or once per batch",
    )
    torch_threads: int = Field(2, ge=1, description="threads for the network")
    precision: Precision = Field(
        "float32",
        description="number format of the training forward pass: bfloat16 autocast runs about "
        "2.2 times faster on CPUs with AMX (weights, optimizer and loss stay float32)",
    )
    device: str = Field(
        "auto", pattern="^(auto|cpu|cuda)$", description="auto: CUDA when available, else CPU"
    )
    adr: VisionAdrConfig | None = Field(
        None,
        description="train under visual ADR instead: each 'epoch' renders one fresh shard "
        "from the ADR ranges and trains on it once (cubehand.perception.adr_training)",
    )


def load_vision_config(path: Path) -> VisionTrainConfig:
    """Read a YAML config; any fault becomes a one-line :class:`CubeError`."""
    config = load_yaml_config(path, VisionTrainConfig)
    if config.data.resolution != config.network.resolution:
        raise CubeError(f"config {path}: data.resolution and network.resolution differ")
    return config


class VisionTraining:
    """Generates missing data, then trains epoch by epoch, resuming from ``checkpoint.pt``."""

    def __init__(self, config: VisionTrainConfig, out_dir: Path) -> None:
        self.config, self.out_dir = config, out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        torch.set_num_threads(config.torch_threads)
        torch.manual_seed(config.seed)
        self.device = _device(config.device)
        self.network = PoseNet(config.network).to(self.device)
        self.optimizer = torch.optim.AdamW(
            self.network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
        )
        self.epoch = 0
        self.generator = torch.Generator().manual_seed(config.seed)
        self.checkpoint = out_dir / "checkpoint.pt"
        if self.checkpoint.exists():
            self._resume()
        elif config.init_weights is not None:
            self._start_from(config.init_weights)

    @property
    def data_dir(self) -> Path:
        """Where the run's shards live."""
        return training_data_dir(self.out_dir)

    def prepare_data(self, on_shard: Callable[[int], None] | None = None, workers: int = 1) -> None:
        """Write any missing training shards (on ``workers`` processes)."""
        generate(self.config.data, self.data_dir, "train", on_shard, workers)

    def run(
        self, on_batch: Callable[[int, int], None] | None = None,
        on_epoch: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:  # fmt: skip
        """Train the remaining epochs. ``on_batch(done, total)`` reports progress."""
        paths = sorted((self.data_dir / "train").glob("shard-*[0-9].npz"))
        if len(paths) < 2:
            raise CubeError("vision training needs at least two training shards")
        train = tensors_on_device(read_shards(paths[:-1]), self.device)
        monitor = read_shards(paths[-1:])
        samples = len(train["images"])
        batches = (samples + self.config.batch_size - 1) // self.config.batch_size
        total = batches * (self.config.epochs - self.epoch)
        done = [0]

        def tick() -> None:
            done[0] += 1
            if on_batch is not None:
                on_batch(done[0], total)

        while self.epoch < self.config.epochs:
            started = time.perf_counter()
            losses = self._train_epoch(train, batches, tick)
            self.epoch += 1
            record = {
                "epoch": self.epoch,
                "samples": samples,
                "seconds": round(time.perf_counter() - started, 2),
                "learning_rate": self.optimizer.param_groups[0]["lr"],
                **{f"loss_{k}": v for k, v in losses.items()},
                **{f"monitor_{k}": v["mean"] for k, v in evaluate(self.network, monitor).items()},
            }
            self._record(record, on_epoch)

    def _train_epoch(
        self, data: dict[str, torch.Tensor], batches: int, tick: Callable[[], None]
    ) -> dict[str, float]:
        self.network.train()
        order = torch.randperm(len(data["images"]), generator=self.generator)
        sums: dict[str, float] = {}
        count = 0
        if self.config.lr_schedule == "epoch":  # from the run's length, so runs can be extended
            self._set_rate(cosine_rate(self.config.learning_rate, self.epoch, self.config.epochs))
        for start in range(0, len(order), self.config.batch_size):
            if self.config.lr_schedule == "batch":
                step = self.epoch * batches + count
                total = self.config.epochs * batches
                self._set_rate(cosine_rate(self.config.learning_rate, step, total))
            index = order[start : start + self.config.batch_size].sort().values.to(self.device)
            with autocast(self.device.type, self.config.precision):
                raw = self.network(data["images"][index])
            loss, parts = pose_loss(
                raw.float(), data["position"][index], data["rotation"][index],
                data["top_angle"][index],
            )  # fmt: skip
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            for key, value in parts.items():
                sums[key] = sums.get(key, 0.0) + value
            count += 1
            tick()
        return {key: value / count for key, value in sums.items()}

    def _record(
        self, record: dict[str, Any], callback: Callable[[dict[str, Any]], None] | None
    ) -> None:
        """Append ``record`` to the log, write the checkpoint and weights, then report it."""
        with (self.out_dir / "log.jsonl").open("a") as log:
            log.write(json.dumps(record) + "\n")
        self._save()
        if callback is not None:
            callback(record)

    def _set_rate(self, rate: float) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = rate

    def _save(self) -> None:
        state = {
            "config": self.config.model_dump(mode="json"),
            "network": self.network.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "generator": self.generator.get_state(),
            "epoch": self.epoch,
            **self._extra_state(),
        }
        partial = self.checkpoint.with_suffix(".partial")
        torch.save(state, partial)
        partial.replace(self.checkpoint)
        info = {"epoch": self.epoch, "data": self.config.data.model_dump(mode="json")}
        save_vision(self.network, self.out_dir / "vision.safetensors", info)

    def _extra_state(self) -> dict[str, Any]:
        """More state for the checkpoint (subclasses)."""
        return {}

    def _load_extra(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`_extra_state` saved (subclasses)."""

    def _start_from(self, path: Path) -> None:
        """Copy the weights at ``path`` into the network, which must have their shape."""
        trained = load_vision(path)
        if trained.config != self.config.network:
            raise CubeError(f"init_weights {path} were trained with another network config")
        self.network.load_state_dict(trained.state_dict())

    def _resume(self) -> None:
        try:
            state = torch.load(self.checkpoint, map_location="cpu", weights_only=True)
            self.network.load_state_dict(state["network"])
            self.optimizer.load_state_dict(state["optimizer"])
            self.generator.set_state(state["generator"])
        except (OSError, RuntimeError, KeyError, ValueError) as error:
            raise CubeError(f"cannot resume from {self.checkpoint}: {str(error)[:120]}") from None
        # Everything but the number of epochs must match (a run may be extended). The saved
        # config is validated first, so settings added since it was written take defaults.
        try:
            saved = VisionTrainConfig.model_validate(state["config"]).model_dump(mode="json")
        except ValueError:
            raise CubeError(f"{self.checkpoint} holds a config this version cannot read") from None
        if _without_epochs(saved) != _without_epochs(self.config.model_dump(mode="json")):
            raise CubeError(f"{self.checkpoint} was written by a different config")
        try:
            self._load_extra(state)
        except (KeyError, ValueError) as error:
            raise CubeError(f"cannot resume from {self.checkpoint}: {str(error)[:120]}") from None
        self.epoch = int(state["epoch"])


def cosine_rate(base: float, step: int, total: int) -> float:
    """The learning rate at ``step`` of ``total`` on a cosine from ``base`` down to 0."""
    return base * 0.5 * (1.0 + math.cos(math.pi * step / total))


def training_data_dir(out_dir: Path) -> Path:
    """The shard folder of the run in ``out_dir``."""
    return out_dir / "data"


def _without_epochs(config: dict[str, Any]) -> dict[str, Any]:
    """The settings a resumed run must share with its checkpoint."""
    return {k: v for k, v in config.items() if k not in ("epochs", "torch_threads", "device")}


def _device(name: str) -> torch.device:
    """The torch device a config's ``device`` names (for CUDA this also turns on cuDNN's
    autotuner, a process-wide setting)."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise CubeError("config asks for device cuda, but CUDA is not available here")
    if name == "cuda":
        torch.backends.cudnn.benchmark = True
    return torch.device(name)


def tensors_on_device(data: Batch, device: torch.device) -> dict[str, torch.Tensor]:
    """Training data as tensors on ``device`` (labels as float32; shared memory on the CPU).

    The whole set goes to the device at once: 67,584 renders at 128 px take 10 GB, which an
    80 GB GPU holds; a much larger set would need copies per batch instead."""
    return {
        "images": torch.from_numpy(data.images).to(device),
        **{
            key: torch.from_numpy(getattr(data, key)).float().to(device)
            for key in ("position", "rotation", "top_angle")
        },
    }


def evaluate(network: PoseNet, data: Batch, batch_size: int = 128) -> dict[str, dict[str, float]]:
    """Error summaries of ``network`` on ``data``."""
    return summarize(sample_errors(network, data, batch_size))


@torch.no_grad()
def sample_errors(network: PoseNet, data: Batch, batch_size: int = 128) -> dict[str, np.ndarray]:
    """Per-sample errors of ``network`` on ``data`` (as :func:`pose_errors` names them)."""
    network.eval()
    device = next(network.parameters()).device
    errors: dict[str, list[np.ndarray]] = {}
    for start in range(0, len(data), batch_size):
        part = slice(start, start + batch_size)
        estimate = decode(network(torch.from_numpy(data.images[part]).to(device)))
        for key, value in pose_errors(
            estimate, data.position[part], data.rotation[part], data.top_angle[part]
        ).items():
            errors.setdefault(key, []).append(value)
    return {key: np.concatenate(values) for key, values in errors.items()}
