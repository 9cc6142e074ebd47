#!/usr/bin/env bash
# On the GPU machine (no Java, no Maven): runs the gpu-tagged tests, the Java benchmark and
# the PyTorch reference with the .gpu/ bundle made by gpu/prepare.sh. Results go to $OUT
# (or gpu-out/). Exits non-zero if the GPU tests fail.
set -uo pipefail
out=${OUT:-gpu-out}
mkdir -p "$out"
java=.gpu/jre/bin/java
# Jars listed one by one: the JUnit console launcher does not expand a '*' class path entry.
cp=$(printf '%s:' .gpu/cp/*.jar).gpu/cp/classes:.gpu/cp/test-classes
nvidia-smi >"$out/nvidia-smi.txt" 2>&1
"$java" -jar .gpu/junit.jar execute -cp "$cp" --include-tag gpu --scan-classpath \
  --reports-dir "$out/junit" --details=tree >"$out/gpu-tests.txt" 2>&1
tests=$?
tail -n 30 "$out/gpu-tests.txt"
"$java" -cp "$cp" dev.gradus.cuda.CudaBenchmark "$out/java-bench.txt" >"$out/java-bench.log" 2>&1 || cat "$out/java-bench.log"
cat "$out/java-bench.txt" 2>/dev/null
python3 gpu/torch_reference.py "$out/torch-bench.txt" >"$out/torch-bench.log" 2>&1 || cat "$out/torch-bench.log"
cat "$out/torch-bench.txt" 2>/dev/null
exit $tests
