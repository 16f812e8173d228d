"""A tiny vector environment with the cube environment's observation groups, for PPO tests.

Reward 1 when actuator 0 picks the bin that the (observed) goal asks for, else 0; episodes
last 10 steps. A learning agent must read the observation to do well.
"""

import numpy as np

from cubehand.skills.policy import VALUE_GROUPS

SIZES = {group: 4 for group in VALUE_GROUPS}


class ToyVectorEnv:
    def __init__(self, n_envs: int = 8) -> None:
        self.n_envs = n_envs

    def reset(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.t = np.zeros(self.n_envs, dtype=int)
        self.goal = self.rng.integers(0, 2, self.n_envs)
        return self._obs()

    def _obs(self):
        obs = {g: np.zeros((self.n_envs, 4), np.float32) for g in SIZES}
        obs["goal_quaternion"][:, 0] = self.goal
        return obs

    def step(self, actions):
        wanted = np.where(self.goal == 1, 10, 0)
        reward = (actions[:, 0] == wanted).astype(np.float32)
        self.t += 1
        done = self.t >= 10
        infos = [{"successes": 0} for _ in range(self.n_envs)]
        self.t[done] = 0
        self.goal = self.rng.integers(0, 2, self.n_envs)
        return self._obs(), reward, done, np.zeros(self.n_envs, bool), infos


class MidEpisodeFlagToyEnv(ToyVectorEnv):
    """The toy task whose info sets ``flag`` (such as ``released`` or ``fresh_memory``) at
    the fifth step of each ten-step episode."""

    def __init__(self, n_envs: int, flag: str) -> None:
        super().__init__(n_envs)
        self.flag = flag

    def step(self, actions):
        obs, reward, done, truncated, infos = super().step(actions)
        for info, t in zip(infos, self.t, strict=True):
            info[self.flag] = bool(t == 5)
        return obs, reward, done, truncated, infos
