# How the shipped pose network was made on the lent GPU machine (16 cores, one H100).
# Transport only: the wheels (.whl), GL libraries (.gl) and a copy of gymnasium-robotics'
# hand assets plus a kociemba stand-in (.devsite) were carried because that machine has no
# package index. Run 1: GEN_S=285 TRAIN_S=215 (213 shards, 16 epochs, a first look).
# Run 2, on the same machine and data: epochs 20, checkpoint removed, GEN_S=100 TRAIN_S=200
# (265 contiguous shards in all); its weights ship.
#!/bin/bash
# Device burst: render vision data on 15 processes, train on the GPU. Writes to $OUT.
set -u
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
timeout ${GEN_S:-290} $PY -c 'import sys; from cubehand.cli.app import main; sys.exit(main(sys.argv[1:]))' train vision --config configs/vision128.yaml --workers ${WORKERS:-15} --data-only > $OUT/gen.log 2>&1
el "render stopped rc=$?"
pkill -9 -f spawn_main; sleep 1
$PY - <<'PY'
import pathlib, re
d = pathlib.Path("runs/vision128/data/train")
have = sorted(int(p.name[6:11]) for p in d.glob("shard-*[0-9].npz"))
n = 0
while n in have: n += 1
for i in have:
    if i >= n: (d / f"shard-{i:05d}.npz").unlink()
for p in d.glob("*.partial.npz"): p.unlink()
cfg = pathlib.Path("configs/vision128.yaml"); s = cfg.read_text()
s = re.sub(r"train_shards: \d+", f"train_shards: {n}", s); cfg.write_text(s)
print("contiguous shards", n, "renders", n * 256)
PY
cp configs/vision128.yaml $OUT/
el "training"
timeout ${TRAIN_S:-200} $PY -c 'import sys; from cubehand.cli.app import main; sys.exit(main(sys.argv[1:]))' train vision --config configs/vision128.yaml > $OUT/train.log 2>&1
el "train stopped rc=$?"
cp runs/vision128/log.jsonl runs/vision128/vision.safetensors $OUT/ 2>/dev/null
ls -la runs/vision128 $OUT; tail -3 $OUT/gen.log; tail -20 $OUT/train.log
