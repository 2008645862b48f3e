#!/usr/bin/env bash
# Compiles every kernels/src/main/cuda/*.cu to PTX for sm_80 and sm_90, into the jar's resources.
# Called by Maven (generate-resources). Without nvcc it says so once and succeeds: the CPU path needs no PTX.
#   build-ptx.sh SRC_DIR OUT_DIR
set -euo pipefail
src="$1"; out="$2"
nvcc_bin="$(command -v nvcc 2>/dev/null || true)"
[ -z "$nvcc_bin" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc_bin=/usr/local/cuda/bin/nvcc
mkdir -p "$out"
list="$out/kernels.list"
if [ -z "$nvcc_bin" ]; then
  echo "[kernels] nvcc not found (PATH, /usr/local/cuda/bin): CUDA kernels not built; the CPU path is unaffected."
  : > "$list"
  exit 0
fi
: > "$list.tmp"
for cu in "$src"/*.cu; do
  name="$(basename "$cu" .cu)"
  for arch in 80 90; do
    target="$out/$name.sm_$arch.ptx"
    if [ ! -f "$target" ] || [ "$cu" -nt "$target" ]; then
      "$nvcc_bin" -ptx -O3 -std=c++17 -arch=sm_$arch -o "$target.tmp" "$cu"
      mv "$target.tmp" "$target"
    fi
    echo "$name.sm_$arch.ptx" >> "$list.tmp"
  done
done
mv "$list.tmp" "$list"
echo "[kernels] compiled $(wc -l < "$list") PTX files with $("$nvcc_bin" --version | tail -n 2 | head -n 1)"
