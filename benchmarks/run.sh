#!/usr/bin/env bash
# Builds the JMH uber-jar when it is missing or older than a source or pom, then runs the
# benchmarks. Extra arguments go to JMH, e.g.
#   benchmarks/run.sh ScalarGradientBenchmark.handWritten   # a regex over benchmark names
#   benchmarks/run.sh -wi 1 -i 3                            # quicker, noisier
#   benchmarks/run.sh -rf json -rff result.json             # machine-readable results
#   benchmarks/run.sh -h                                    # JMH's options
set -euo pipefail
cd "$(dirname "$0")/.."

jar=benchmarks/target/benchmarks.jar
if [[ ! -f "$jar" ]] || [[ -n "$(find . \( -name .git -o -name target \) -prune -o \
      \( -name pom.xml -o -path '*/src/main/*' \) -type f -newer "$jar" -print -quit)" ]]; then
  mvn -q -pl benchmarks -am package -DskipTests
fi

# Some machines set these for old OpenBLAS builds; unset them for benchmark runs only
# (tests and CI keep them), so timings do not depend on where they ran.
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE java -jar "$jar" "$@"
