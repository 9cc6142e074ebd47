#!/usr/bin/env bash
# Runs the four reference workloads of issue 6 on both sides and prints one table of ours
# against PyTorch:
#   1. our JMH benchmarks in dev.gradus.benchmarks.workloads (through benchmarks/run.sh, which
#      builds the jar when stale), results as JSON;
#   2. ../shared/bench/torch-anchor.sh (PyTorch 1.13 with OpenBLAS and AVX-512; apt-installs
#      python3-torch the first time);
#   3. benchmarks/compare.py, which merges both into the table.
# A round goes through the workloads in steps: one workload in one dtype (sigmoid and matmul
# also on one thread count), ours and then PyTorch's (PyTorch's first in even rounds), so
# the two sides of a row are measured within a minute or two of each other, not one whole
# suite apart. On a shared machine other tenants' load comes and goes over minutes; a
# suite-sized gap let one side meet a busy (or a fast) spell that the other missed.
# OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for both sides (only here: tests and CI keep them).
# Takes about 10 minutes a round on a 2-core machine. Extra arguments are JMH options, passed
# to every step (not a benchmark regex: each step names its own), e.g.
#   benchmarks/compare.sh -wi 1 -i 2          # quicker, noisier
# TORCH_ARGS passes options to torch_bench.py, e.g. TORCH_ARGS='--reps 5' (not --workloads,
# --dtypes or --threads, which each step sets). Each step's JMH run rebuilds the benchmark jar
# if a source changed, so leave the sources alone while it runs.
# ROUNDS=n runs n rounds and the table takes each side's best round per row: load from other
# tenants only ever slows a round down.
# Everything lands in benchmarks/target/compare/: per round N, jmh-N.json (merged from the
# steps' jmh-N-S.json) and torch-N.jsonl, each step's logs (jmh-N-S.log, torch-N-S.log), table.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
anchor=${TORCH_ANCHOR:-$here/../../shared/bench/torch-anchor.sh}
out=$here/target/compare
[[ -f "$anchor" ]] || { echo "compare.sh: no PyTorch anchor at $anchor (set TORCH_ANCHOR)" >&2; exit 1; }
rounds=${ROUNDS:-1}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: ROUNDS must be a positive whole number, not '$rounds'" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE

# The anchor forces ATEN_CPU_CAPABILITY=avx512, which dies with SIGILL on a CPU without
# AVX-512. There, let it install PyTorch and the OpenMP OpenBLAS once (--help exits before any
# kernel runs), then run its torch_bench.py with the same environment but ATen's AVX2 path.
avx512=yes
if ! grep -qw avx512f /proc/cpuinfo; then
  avx512=no
  echo "(no AVX-512 on this CPU: running torch_bench.py with ATEN_CPU_CAPABILITY=avx2 instead of avx512)"
  bash "$anchor" --help > "$out/torch-install.log" 2>&1 || { tail -40 "$out/torch-install.log" >&2; exit 1; }
fi

# torch_side ROUND STEP [torch_bench.py options]: PyTorch's side of one step.
torch_side() {
  local round=$1 step=$2
  shift 2
  local log=$out/torch-$round-$step.log
  # shellcheck disable=SC2086  # TORCH_ARGS is a list of options
  if [[ $avx512 == yes ]]; then
    bash "$anchor" --out "$out/torch-$round.jsonl" "$@" ${TORCH_ARGS:-} > "$log" 2>&1 \
      || { tail -40 "$log" >&2; exit 1; }
  else
    env LD_LIBRARY_PATH=/tmp/openblas-omp/usr/lib/x86_64-linux-gnu/openblas-openmp ATEN_CPU_CAPABILITY=avx2 \
      /usr/bin/python3 "$(dirname "$anchor")/torch_bench.py" --label pytorch-openblas-avx2 \
      --out "$out/torch-$round.jsonl" "$@" ${TORCH_ARGS:-} > "$log" 2>&1 || { tail -40 "$log" >&2; exit 1; }
  fi
  grep -v '^#' "$log" | sed 's/^/   /' || true
}

# ours_side ROUND STEP REGEX [JMH options]: our side of one step (the script's own arguments last).
ours_side() {
  local round=$1 step=$2 regex=$3
  shift 3
  local log=$out/jmh-$round-$step.log
  "$here/run.sh" "$regex" "$@" -rf json -rff "$out/jmh-$round-$step.json" "${jmh_args[@]}" > "$log" 2>&1 \
    || { tail -40 "$log" >&2; exit 1; }
  sed -n '/^Benchmark /,$p' "$log" | sed 's/^/   /'
}

# step ROUND STEP "REGEX [JMH options]" "torch_bench.py options": both sides, alternating who goes first.
step() {
  local round=$1 step=$2 ours_args=$3 torch_args=$4
  local oa ta
  read -ra oa <<< "$ours_args"  # split at spaces, without glob expansion of the regex
  read -ra ta <<< "$torch_args"
  echo "== round $round, step $step: ${torch_args}"
  if ((round % 2 == 1)); then
    ours_side "$round" "$step" "${oa[@]}"
    torch_side "$round" "$step" "${ta[@]}"
  else
    torch_side "$round" "$step" "${ta[@]}"
    ours_side "$round" "$step" "${oa[@]}"
  fi
}

jmh_args=("$@")
w='dev\.gradus\.benchmarks\.workloads\.'
ours_files=()
torch_files=()
for ((round = 1; round <= rounds; round++)); do
  s=0
  # Sigmoid (a) and matmul (b) have a threads parameter: a step per dtype and thread count.
  for workload in 'a SigmoidWorkload\.(eager|intoBuffer)' 'b MatMulWorkload\.multiply'; do
    read -r letter bench <<< "$workload"
    for dt in float32 float64; do
      for th in 1 2; do
        step "$round" $((++s)) "${w}${bench}\$ -p dtype=$dt -p threads=$th" \
          "--workloads $letter --dtypes $dt --threads $th"
      done
    done
  done
  # The MLP step and the scalar gradient have no threads parameter: ours runs on every core.
  for dt in float32 float64; do
    step "$round" $((++s)) "${w}MlpStepWorkload\.step\$ -p dtype=$dt" "--workloads c --dtypes $dt --threads 2,1"
  done
  step "$round" $((++s)) "${w}ScalarGradientWorkload\.(tapeMachine|generated)\$" "--workloads d"
  echo "== round $round: the machine's peak, PyTorch at n = 2048"
  torch_side "$round" peak --workloads peak

  # One JSON array per round, as compare.py reads it.
  python3 -c 'import json, sys; json.dump([r for p in sys.argv[2:] for r in json.load(open(p))], open(sys.argv[1], "w"), indent=1)' \
    "$out/jmh-$round.json" "$out"/jmh-"$round"-*.json
  ours_files+=("$out/jmh-$round.json")
  torch_files+=("$out/torch-$round.jsonl")
done

echo
python3 "$here/compare.py" "$(IFS=,; echo "${ours_files[*]}")" "$(IFS=,; echo "${torch_files[*]}")" | tee "$out/table.txt"
