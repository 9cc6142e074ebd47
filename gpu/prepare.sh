#!/usr/bin/env bash
# On the build machine (no GPU): builds the runtime with its tests, copies its runtime
# dependencies with a slim jcuda-natives jar (only the driver-API library), and bundles
# everything into .gpu/ with the shared bundle script. Then run gpu/run.sh on the GPU
# machine, carrying .gpu (see README, "CUDA").
set -euo pipefail
root=$(git rev-parse --show-toplevel)
cd "$root"
shared=${GRADUS_SHARED:-$root/../shared}
# package, not install: the shared ~/.m2 must not get this branch's runtime.
mvn -B -q ${MVN_OFFLINE--o} -pl runtime -DskipTests package
deps=runtime/target/gpu-deps
rm -rf "$deps"
mvn -B -q ${MVN_OFFLINE--o} -pl runtime dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/gpu-deps
natives=$(ls "$deps"/jcuda-natives-*-linux-x86_64.jar)
lib=lib/libJCudaDriver-12.0.0-linux-x86_64.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && unzip -q "$root/$natives" "$lib" && zip -q -r slim.jar lib)
cp "$tmp/slim.jar" "$natives"
bundle=$shared/gpu/bundle.sh
if [ ! -d "$root/.git" ]; then
  # In a git worktree .git is a file, and bundle.sh's "keep .gpu/ out of git" line would fail;
  # .gitignore keeps /.gpu/ out instead, so a copy without that line is used.
  sed 's#>>"$exclude"#>/dev/null#' "$bundle" >"$tmp/bundle.sh"
  bundle=$tmp/bundle.sh
fi
# OpenBLAS (JavaCPP, 20 MB) stays behind: the bundle must fit the 64 MiB the GPU machine takes,
# and the GPU check multiplies no large matrices; Gemm falls back to its Java kernel there.
rm -f "$deps"/openblas-*.jar "$deps"/javacpp-*.jar
bash "$bundle" runtime/target/classes runtime/target/test-classes "$deps"/*.jar
du -sh .gpu
