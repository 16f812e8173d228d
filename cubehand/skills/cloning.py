"""Policy cloning, DAgger-style: the student acts, the teacher labels what it would do.

A new architecture (another size, another observation set) starts from a trained policy
instead of from scratch, as the original project did between its experiments. Each
iteration the student drives the environments; the teacher, run along the same observation
sequences with its own LSTM state, gives its action distribution at every step; the student
is trained to match it (KL divergence from teacher to student, summed over the 20 heads).
Because the student chooses where to go, it learns to recover from its own mistakes.

The teacher can also be one policy per goal kind (``{"rotate": a, "flip": b}``), so that
skills learned by separate networks come together in one: each step, every environment's
label comes from the teacher of the goal it is working on (the environment reports the
kinds through ``goal_kinds()``). Every teacher runs along every environment's observation
stream, so its memory is as it would be had it acted all along.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field

from cubehand.skills.policy import Policy
from cubehand.skills.ppo import VectorEnv, fresh_memory


class CloneConfig(BaseModel):
    """Settings of a cloning run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rollout_steps: int = Field(64, ge=2, description="steps per environment per iteration")
    epochs: int = Field(4, ge=1, description="passes over each iteration's sequences")
    learning_rate: float = Field(1e-3, gt=0)
    max_grad_norm: float = Field(1.0, gt=0)


class PolicyCloner:
    """Trains ``student`` to act like ``teacher`` on the states the student visits;
    ``teacher`` is one policy, or one per goal kind (then ``env`` must have ``goal_kinds``)."""

    def __init__(
        self, teacher: Policy | Mapping[str, Policy], student: Policy, env: VectorEnv,
        config: CloneConfig, seed: int,
    ) -> None:  # fmt: skip
        torch.manual_seed(seed)
        self.teachers = dict(teacher) if isinstance(teacher, Mapping) else {"any": teacher}
        if isinstance(teacher, Mapping) and not hasattr(env, "goal_kinds"):
            raise TypeError("a teacher per goal kind needs an environment with goal_kinds()")
        for policy in self.teachers.values():
            policy.eval()
        self.student, self.env, self.config = student, env, config
        self.optimizer = torch.optim.Adam(student.parameters(), lr=config.learning_rate)
        self.generator = torch.Generator().manual_seed(seed)
        self.obs = env.reset(seed)
        n = env.n_envs
        self.starts = np.ones(n, dtype=np.float32)
        self.student_state = student.trunk.initial_state(n)
        self.teacher_states = {k: t.trunk.initial_state(n) for k, t in self.teachers.items()}

    def iterate(self) -> dict[str, float]:
        """One iteration: collect with the student, label with the teacher, fit."""
        batch = self._collect()
        kls = [self._fit(batch) for _ in range(self.config.epochs)]
        self.student.trunk.update_norms(batch["obs"])
        record = {"kl": float(kls[-1].mean()), "agreement": batch["agreement"]}
        if len(self.teachers) > 1:  # the last epoch's KL on each teacher's goals
            kinds = np.array(batch["kinds"])
            for kind in self.teachers:
                mask = torch.as_tensor(kinds == kind)
                record[f"kl_{kind}"] = float(kls[-1][mask].mean()) if mask.any() else None
        return record

    @torch.no_grad()
    def _collect(self) -> dict[str, Any]:
        obs_seq: dict[str, list[np.ndarray]] = {k: [] for k in self.obs}
        starts, teacher_logits, agree, kinds = [], [], [], []
        first_state = tuple(s.clone() for s in self.student_state)
        for _ in range(self.config.rollout_steps):
            obs_t = {k: torch.as_tensor(v).unsqueeze(0) for k, v in self.obs.items()}
            start_t = torch.as_tensor(self.starts).unsqueeze(0)
            student, self.student_state = self.student(obs_t, self.student_state, start_t)
            kinds.append(self._labelling_kinds())
            labels = self._teacher_logits(obs_t, start_t, kinds[-1])
            probs = student.probs.reshape(-1, student.probs.shape[-1])
            action = torch.multinomial(probs, 1, generator=self.generator)
            action = action.reshape(student.probs.shape[:-1])
            for k, v in self.obs.items():
                obs_seq[k].append(v)
            starts.append(self.starts.copy())
            teacher_logits.append(labels)
            agree.append((student.probs[0].argmax(-1) == labels.argmax(-1)).float().mean())
            self.obs, _, terminated, truncated, infos = self.env.step(action[0].numpy())
            # Student and teachers restart their memory where PPO would (episode ends, and
            # where the environment says so: ``fresh_memory``).
            ended = np.logical_or(terminated, truncated)
            self.starts = np.logical_or(ended, fresh_memory(infos)).astype(np.float32)
        return {
            "obs": {k: torch.as_tensor(np.array(v)) for k, v in obs_seq.items()},
            "starts": torch.as_tensor(np.array(starts)),
            "teacher_logits": torch.stack(teacher_logits),
            "state": first_state,
            "agreement": float(torch.stack(agree).mean()),
            "kinds": kinds,
        }

    def _labelling_kinds(self) -> list[str]:
        """Which teacher labels each environment now: the one of its current goal kind (the
        first teacher where none is set or the kind has no teacher)."""
        if len(self.teachers) == 1:
            return [next(iter(self.teachers))] * self.env.n_envs
        fallback = next(iter(self.teachers))
        kinds = self.env.goal_kinds()  # type: ignore[attr-defined]
        return [k if k in self.teachers else fallback for k in kinds]

    def _teacher_logits(
        self, obs: Mapping[str, torch.Tensor], starts: torch.Tensor, kinds: list[str]
    ) -> torch.Tensor:
        """Every teacher steps on the observations; each environment's labels (B, 20, 11)
        come from the teacher that ``kinds`` names for it."""
        logits = {}
        for kind, teacher in self.teachers.items():
            dist, self.teacher_states[kind] = teacher(obs, self.teacher_states[kind], starts)
            logits[kind] = dist.logits[0]
        return torch.stack([logits[k][i] for i, k in enumerate(kinds)])

    def _fit(self, batch: Mapping[str, Any]) -> torch.Tensor:
        """One gradient step on the mean KL (teacher to student, summed over heads);
        returns that KL at each step and environment, (T, B), before the step."""
        dist, _ = self.student(batch["obs"], batch["state"], batch["starts"])
        teacher = torch.distributions.Categorical(logits=batch["teacher_logits"])
        kl = torch.distributions.kl_divergence(teacher, dist).sum(-1)
        self.optimizer.zero_grad()
        kl.mean().backward()
        torch.nn.utils.clip_grad_norm_(self.student.parameters(), self.config.max_grad_norm)
        self.optimizer.step()
        return kl.detach()


def clone(
    teacher: Policy | Mapping[str, Policy], student: Policy, env: VectorEnv,
    config: CloneConfig, iterations: int, seed: int,
    on_iteration: Callable[[int, dict[str, float]], None] | None = None,
) -> list[dict[str, float]]:  # fmt: skip
    """Run ``iterations`` cloning iterations; returns their records."""
    cloner = PolicyCloner(teacher, student, env, config, seed)
    records = []
    for index in range(iterations):
        record = cloner.iterate()
        records.append(record)
        if on_iteration is not None:
            on_iteration(index, record)
    return records
