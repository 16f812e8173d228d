#!/bin/bash
# How the shipped pose network was made on the lent GPU machine (16 cores, one H100): the
# device script, run from the repository root with $OUT set by the machine. Transport only:
# the wheels (.whl), GL libraries (.gl) and a copy of gymnasium-robotics' hand assets plus a
# kociemba stand-in (.devsite) were carried because that machine has no package index.
# Build them with `bash docs/training/device_transport.sh` (kept out of git).
# The tracked policy checkpoints (docs/training/*/checkpoint.pt, about 100 MB) put the tree
# over the 64 MiB a call carries: they were taken out of the index for the calls
# (git rm --cached, listed in .git/info/exclude) and put back afterwards (git reset).
#
# configs/vision128.yaml (CONFIG left at its default), two calls on the same machine and data:
#   GEN_S=285 TRAIN_S=215 bash vision_device_run.sh   (213 shards, 16 epochs, a first look)
#   then epochs 20, checkpoint removed: GEN_S=100 TRAIN_S=200   (265 contiguous shards in all)
# Fine-tuning from those weights, two calls on one warm machine:
#   CONFIG=configs/vision128_finetune.yaml GEN_S=285 TRAIN_S=230 bash vision_device_run.sh  (444 s)
#     -> 198 contiguous shards (train_shards set to 198), 24 epochs from the weights shipped at 0439013.
#   mkdir -p runs/vision128_finetune2 && ln -sfn ../vision128_finetune/data runs/vision128_finetune2/data
#   CONFIG=configs/vision128_finetune2.yaml GEN_S=75 TRAIN_S=150 bash vision_device_run.sh  (170 s)
#     -> the same data extended to 240 shards, 12 epochs from the previous call's weights (shipped).
# Thirteenth session, two calls on one warm H200 (365 s and 307 s): two recipes side by side on
# the same renders (all 240 shards rendered in 176 s), then 219 more shards and a second round:
#   CONFIG=configs/vision128_burst.yaml CONFIG2=configs/vision128_burst_low.yaml GEN_S=270 TRAIN_S=220 bash vision_device_run.sh
#   mkdir -p runs/vision128_burst2 && ln -sfn ../vision128_burst/data runs/vision128_burst2/data
#   CONFIG=configs/vision128_burst2.yaml GEN_S=150 TRAIN_S=170 bash vision_device_run.sh
#     -> 459 contiguous shards (train_shards set to 459), 8 epochs from the first call's vision128_burst.
# Fourteenth session, one call on an H100 (458.0 s), after the patterns and gloss joined the
# visual randomization (RENDER_VERSION 4): 373 contiguous shards in 255 s, then two recipes:
#   CONFIG=configs/vision128_textures.yaml CONFIG2=configs/vision128_textures_low.yaml GEN_S=255 TRAIN_S=245 bash vision_device_run.sh
# Device burst: render vision data on 15 processes, train on the GPU. Writes to $OUT.
set -u
CONFIG=${CONFIG:-configs/vision128.yaml}
NAME=$(sed -n "s/^name: *//p" $CONFIG)
START=$(date +%s)
el() { echo "[$(( $(date +%s) - START )) s] $*"; }
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
PY=${PY:-python3}
if ! $PY -c "import mujoco" 2>/dev/null; then python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl || exit 3; fi
export PYTHONPATH=/tmp/site:$PWD/.devsite:$PWD MUJOCO_GL=egl PYTHONUNBUFFERED=1 OMP_NUM_THREADS=1
ch() { $PY -c 'import sys; from cubehand.cli.app import main; sys.exit(main(sys.argv[1:]))' "$@"; }
nvidia-smi -L 2>/dev/null; nproc
probe() { $PY -c "
import mujoco, time
from cubehand.perception.dataset import DatasetConfig, RenderSource
import numpy as np
s=RenderSource(DatasetConfig(resolution=128)); t=time.perf_counter(); b=s.batch(20, np.random.default_rng(5)); print('probe 20 samples', round(time.perf_counter()-t,2),'s', b.images.mean())
"; }
if ! probe; then
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  probe || { el "render probe failed"; exit 4; }
fi
el "rendering"
timeout ${GEN_S:-290} $PY -c 'import sys; from cubehand.cli.app import main; sys.exit(main(sys.argv[1:]))' train vision --config $CONFIG --workers ${WORKERS:-15} --data-only > $OUT/gen.log 2>&1
el "render stopped rc=$?"
pkill -9 -f spawn_main; sleep 1
NAME=$NAME CONFIG=$CONFIG $PY - <<'PY'
import os, pathlib, re
d = pathlib.Path("runs") / os.environ["NAME"] / "data" / "train"
have = sorted(int(p.name[6:11]) for p in d.glob("shard-*[0-9].npz"))
n = 0
while n in have: n += 1
for i in have:
    if i >= n: (d / f"shard-{i:05d}.npz").unlink()
for p in d.glob("*.partial.npz"): p.unlink()
cfg = pathlib.Path(os.environ["CONFIG"]); s = cfg.read_text()
s = re.sub(r"train_shards: \d+", f"train_shards: {n}", s); cfg.write_text(s)
print("contiguous shards", n, "renders", n * 256)
PY
train() {  # config, folder under $OUT: train until TRAIN_S, then copy the weights and log
  mkdir -p $OUT/$2
  timeout ${TRAIN_S:-200} $PY -c 'import sys; from cubehand.cli.app import main; sys.exit(main(sys.argv[1:]))' train vision --config $1 > $OUT/$2/train.log 2>&1
  el "$1 stopped rc=$?"
  local name=$(sed -n "s/^name: *//p" $1)
  cp runs/$name/log.jsonl runs/$name/vision.safetensors $OUT/$2/ 2>/dev/null
}
if [ -n "${CONFIG2:-}" ]; then  # a second recipe on the same renders, beside the first
  NAME2=$(sed -n "s/^name: *//p" $CONFIG2)
  mkdir -p runs/$NAME2 && ln -sfn ../$NAME/data runs/$NAME2/data
  sed -i "s/train_shards: [0-9]*/$(grep -o 'train_shards: [0-9]*' $CONFIG)/" $CONFIG2
fi
el "training"
train $CONFIG a &
[ -n "${CONFIG2:-}" ] && train $CONFIG2 b &
wait
ls -la runs/$NAME $OUT $OUT/*; tail -3 $OUT/gen.log; tail -n 5 $OUT/*/train.log; cat $OUT/*/log.jsonl | cut -c1-400
