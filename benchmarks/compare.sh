#!/usr/bin/env bash
# Runs the four reference workloads of issue 6 on both sides, one after the other, and prints
# one table of ours against PyTorch:
#   1. our JMH benchmarks in dev.gradus.benchmarks.workloads (through benchmarks/run.sh, which
#      builds the jar when stale), results as JSON;
#   2. ../shared/bench/torch-anchor.sh (PyTorch 1.13 with OpenBLAS and AVX-512; apt-installs
#      python3-torch the first time);
#   3. benchmarks/compare.py, which merges both into the table.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for both runs (only here: tests and CI keep them).
# Takes about 11 minutes a round on a 2-core machine. Extra arguments go to JMH, e.g.
#   benchmarks/compare.sh -wi 1 -i 2          # quicker, noisier
# TORCH_ARGS passes options to torch_bench.py, e.g. TORCH_ARGS='--reps 5'.
# ROUNDS=n runs both sides n times, alternately, and the table takes each side's best round:
# on a shared machine, other tenants' load comes and goes over minutes and only slows a round.
# Everything lands in benchmarks/target/compare/ (jmh-N.json, torch-N.jsonl, the logs, table.txt).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${TORCH_ANCHOR:-$here/../../shared/bench/torch-anchor.sh}
out=$here/target/compare
[[ -f "$anchor" ]] || { echo "compare.sh: no PyTorch anchor at $anchor (set TORCH_ANCHOR)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

rounds=${ROUNDS:-1}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: ROUNDS must be a positive whole number, not '$rounds'" >&2; exit 1; }
ours_files=()
torch_files=()
for ((round = 1; round <= rounds; round++)); do
  echo "== round $round of $rounds: ours, JMH (log: $out/jmh-$round.log)"
  "$here/run.sh" 'dev\.gradus\.benchmarks\.workloads\.' -rf json -rff "$out/jmh-$round.json" "$@" > "$out/jmh-$round.log" 2>&1 \
    || { tail -40 "$out/jmh-$round.log" >&2; exit 1; }
  sed -n '/^Benchmark /,$p' "$out/jmh-$round.log"
  ours_files+=("$out/jmh-$round.json")

  echo "== round $round of $rounds: PyTorch, $anchor (log: $out/torch-$round.log)"
  # shellcheck disable=SC2086  # TORCH_ARGS is a list of options
  if grep -qw avx512f /proc/cpuinfo; then
    bash "$anchor" --out "$out/torch-$round.jsonl" ${TORCH_ARGS:-} > "$out/torch-$round.log" 2>&1 \
      || { tail -40 "$out/torch-$round.log" >&2; exit 1; }
  else
    # The anchor forces ATEN_CPU_CAPABILITY=avx512, which dies with SIGILL on a CPU without
    # AVX-512. Let it install PyTorch and the OpenMP OpenBLAS (--help exits before any kernel
    # runs), then run its torch_bench.py with the same environment but ATen's AVX2 path.
    echo "   (no AVX-512 on this CPU: running torch_bench.py with ATEN_CPU_CAPABILITY=avx2 instead of avx512)"
    bash "$anchor" --help > "$out/torch-$round.log" 2>&1 || { tail -40 "$out/torch-$round.log" >&2; exit 1; }
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
      LD_LIBRARY_PATH=/tmp/openblas-omp/usr/lib/x86_64-linux-gnu/openblas-openmp ATEN_CPU_CAPABILITY=avx2 \
      /usr/bin/python3 "$(dirname "$anchor")/torch_bench.py" --label pytorch-openblas-avx2 --out "$out/torch-$round.jsonl" \
      ${TORCH_ARGS:-} > "$out/torch-$round.log" 2>&1 || { tail -40 "$out/torch-$round.log" >&2; exit 1; }
  fi
  grep -v '^#' "$out/torch-$round.log" || true
  torch_files+=("$out/torch-$round.jsonl")
done

echo
python3 "$here/compare.py" "$(IFS=,; echo "${ours_files[*]}")" "$(IFS=,; echo "${torch_files[*]}")" | tee "$out/table.txt"
