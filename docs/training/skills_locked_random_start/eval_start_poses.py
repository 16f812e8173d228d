# Greedy evaluation of a checkpoint on the locked cube with a chosen start pose, 10 x 10
# episodes, the training goal timeout; prints how many episodes met 1, 2 and 3 goals.
# Usage: python eval_start_poses.py CHECKPOINT flat|mid|random
import sys, numpy as np, torch
from pathlib import Path
from cubehand.evaluation import load_policy, GreedyActor, summarize, EVAL_SEED_OFFSET, evaluation_env
from cubehand.sim.batched_env import BatchedCubeEnv
torch.set_num_threads(1)
policy, env_cfg = load_policy(Path(sys.argv[1]))
cfg = evaluation_env(env_cfg, "locked").model_copy(update={"start_pose": sys.argv[2]})
batch = BatchedCubeEnv(10, cfg, threads=2)
obs = batch.reset(seed=EVAL_SEED_OFFSET + 0)
actor = GreedyActor(policy, 10); done = [[] for _ in range(10)]
while any(len(d) < 10 for d in done):
    obs, _, term, trunc, infos = batch.step(actor.act(obs))
    end = np.logical_or(term, trunc); actor.episodes_ended(end)
    for i in np.flatnonzero(end):
        if len(done[i]) < 10: done[i].append(infos[i])
eps = [e for d in done for e in d]
s = summarize(eps, cfg, 0)
succ = np.array([e["successes"] for e in eps])
print(sys.argv[1].split("/")[-2], sys.argv[2], "mean %.2f rot %.3f flip %s drop %.2f  >=1: %d  >=2: %d  >=3: %d" % (s["mean_successes"], s["rotate_success_rate"] or 0, s["flip_success_rate"], s["drop_rate"], (succ>=1).sum(), (succ>=2).sum(), (succ>=3).sum()))
batch.close()
