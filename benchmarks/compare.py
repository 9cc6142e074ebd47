#!/usr/bin/env python3
"""Merges our JMH results (-rf json) with torch_bench.py's JSON lines into one table.

    python3 benchmarks/compare.py JMH_JSON[,JMH_JSON...] TORCH_JSONL[,TORCH_JSONL...]

Several files per side are rounds of one comparison run (compare.sh with ROUNDS=n; each round
runs the two sides in turn, a workload and dtype at a time): each figure is then the best of
its rounds on each side (the fastest time, the highest GFLOP/s), since load from other tenants
of a shared machine only ever slows a round down. With as many rounds on each side, a column
"ratio per round" adds the median (and range) of the ratios taken within each round, whose
two figures were measured a step apart: a paired comparison, which a spell of load or a
change of clock speed moves less than it moves the best-of-rounds ratio.

Standard library only. Ratio = our time / PyTorch's time (below 1: we are faster); for matmul
the GFLOP/s of both sides (2 n^3 / time) are shown as well. A benchmark with a JMH parameter
`threads` gives each threads row its own measurement; the others run with the runtime's
default, every core (Parallel.threads(); this script assumes the JVM saw os.cpu_count() of
them), and the rows for other thread counts repeat that measurement (marked *) against
PyTorch on fewer threads. The target column is issue 6's, expressed as a time ratio.
"""
import json
import os
import statistics
import sys

UNIT_SCALE = {"ns/op": 1e-9, "us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}

# (label, our JMH benchmark, extra JMH params, PyTorch workload, display unit, target time ratio)
ROWS = [
    ("a sigmoid 1M", "SigmoidWorkload.eager", {}, "a_sigmoid_1M", "ms", "<= 1.0"),
    ("a sigmoid 1M out=", "SigmoidWorkload.intoBuffer", {}, "a_sigmoid_1M_out=", "ms", "<= 1.0"),
    ("b matmul 512", "MatMulWorkload.multiply", {"n": "512"}, "b_matmul_512_time", "ms", "<= 1.11"),
    ("b matmul 1024", "MatMulWorkload.multiply", {"n": "1024"}, "b_matmul_1024_time", "ms", "<= 1.11"),
    ("c MLP step b64", "MlpStepWorkload.step", {}, "c_mlp_step_b64", "ms", "<= 0.8"),
    ("d grad, TapeMachine", "ScalarGradientWorkload.tapeMachine", {}, "d_scalar_grad", "ns", "<= 0.001"),
    ("d grad, generated", "ScalarGradientWorkload.generated", {}, "d_scalar_grad", "ns", "<= 0.001"),
]
DISPLAY = {"ms": 1e-3, "ns": 1e-9}
TORCH_UNIT = {"ms/op": 1e-3, "ms/step": 1e-3, "ns/grad": 1e-9}
OUR_THREADS = os.cpu_count() or 1  # what a benchmark without a threads parameter runs on: every core


def load_ours(paths):
    """{(benchmark suffix, frozen params): (seconds, relative error)}: the median of the
    measurement iterations (as PyTorch's side reports the median of its repetitions, so a
    burst of load on this shared machine moves neither side's figure much), and the relative
    99.9% error JMH gives for their mean, which shows how noisy the run was; over several
    rounds, the round with the fastest median."""
    ours = {}
    for path in paths:
        for r in json.load(open(path)):
            name = r["benchmark"].split("workloads.", 1)[-1]
            m = r["primaryMetric"]
            scale = UNIT_SCALE[m["scoreUnit"]]
            iterations = [v for fork in m.get("rawData") or [] for v in fork]
            score = statistics.median(iterations) if iterations else m["score"]
            err = m.get("scoreError")
            rel = err / m["score"] if isinstance(err, (int, float)) and err == err and m["score"] else None
            key = (name, frozenset(r.get("params", {}).items()))
            if key not in ours or score * scale < ours[key][0]:
                ours[key] = (score * scale, rel)
    return ours


def load_torch(paths):
    """torch_bench.py's records by (workload, dtype, threads); over several rounds, the one
    with the best median (the lowest time, or the highest GFLOP/s for the peak rows)."""
    torch, parity, env = {}, {}, None
    for path in paths:
        for line in open(path):
            r = json.loads(line)
            if "parity" in r:
                parity[(r["dtype"], r["threads"])] = r["parity"]
                continue
            env = r.get("env", env)
            key = (r["workload"], r["dtype"], r["threads"])
            higher_is_better = "GFLOP" in str(r.get("unit", ""))
            old = torch.get(key)
            if old is None or (r["median"] > old["median"] if higher_is_better else r["median"] < old["median"]):
                torch[key] = r
    return torch, parity, env


def fmt(seconds, unit):
    if seconds is None:
        return "-"
    v = seconds / DISPLAY[unit]
    return f"{v:.4g} {unit}" if v < 1000 else f"{v:,.0f} {unit}"


def lookup(ours, torch, bench, params, tw, dt, th):
    """(our (seconds, rel. error) or None, whether it is a threads row, PyTorch's seconds or None)
    for one row. A benchmark with a threads parameter has a row per thread count; one without
    it ran on every core (OUR_THREADS), and its result stands in (marked *) for the other rows."""
    t = torch.get((tw, dt, th))
    tsec = t["median"] * TORCH_UNIT[t["unit"]] if t else None
    threaded = ours.get((bench, frozenset({**params, "threads": str(th)}.items())))
    return threaded or ours.get((bench, frozenset(params.items()))), threaded is not None, tsec


def main():
    ours_files, torch_files = sys.argv[1].split(","), sys.argv[2].split(",")
    ours, (torch, parity, env) = load_ours(ours_files), load_torch(torch_files)
    # Round i of our side and round i of PyTorch's ran a step apart: their ratio is a paired one.
    paired = ([(load_ours([o]), load_torch([t])[0]) for o, t in zip(ours_files, torch_files)]
              if len(ours_files) == len(torch_files) > 1 else [])
    threads = sorted({k[2] for k in torch}) or [1, 2]
    head = ["workload", "dtype", "threads", "ours", "PyTorch", "ratio", "target", "GFLOP/s ours", "GFLOP/s PyTorch"]
    if paired:
        head.insert(6, "ratio per round")
    table = []
    for label, bench, extra, tw, unit, target in ROWS:
        for dt in ("float32", "float64"):
            params = dict(extra)
            if bench != "ScalarGradientWorkload.generated":
                params["dtype"] = dt
            elif dt != "float64":
                continue  # the generated code is double only
            for th in threads:
                mine, threaded, tsec = lookup(ours, torch, bench, params, tw, dt, th)
                osec = mine[0] if mine else None
                mark = "*" if not threaded and th != OUR_THREADS and mine else ""
                ours_txt = fmt(osec, unit) + (f" ±{100 * mine[1]:.0f}%" if mine and mine[1] is not None else "") + mark
                ratio = f"{osec / tsec:.3g}x" if osec and tsec else "-"
                gf_o = gf_t = ""
                if "n" in extra:
                    fl = 2.0 * int(extra["n"]) ** 3
                    gf_o = f"{fl / osec / 1e9:.2f}" if osec else "-"
                    gf_t = f"{fl / tsec / 1e9:.1f}" if tsec else "-"
                row = [label, dt, str(th), ours_txt, fmt(tsec, unit), ratio, target, gf_o, gf_t]
                if paired:
                    ratios = []
                    for o, t in paired:
                        m, _, ts = lookup(o, t, bench, params, tw, dt, th)
                        if m and ts:
                            ratios.append(m[0] / ts)
                    cell = f"{statistics.median(ratios):.3g}x ({min(ratios):.3g}-{max(ratios):.3g})" if ratios else "-"
                    if 0 < len(ratios) < len(paired):
                        cell += f", {len(ratios)} of {len(paired)} rounds"
                    row.insert(6, cell)
                table.append(row)
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(head)]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in table:
        print(line(r))
    print()
    print("ratio = our time / PyTorch's time (< 1: faster); target: issue 6, as a time ratio (matmul: >= 0.9x its GFLOP/s).")
    print(f"* a benchmark without a threads parameter runs with the JVM default (Parallel.threads(): every core): its rows repeat one measurement.")
    print("ours: median of the JMH measurement iterations, ± the 99.9% error of their mean; PyTorch: median of torch_bench.py's repetitions.")
    if len(ours_files) > 1 or len(torch_files) > 1:
        print(f"best of {len(ours_files)} rounds (ours) and {len(torch_files)} (PyTorch); each round ran the two sides in turn, step by step.")
    if paired:
        print("ratio per round: the median (and range) over the rounds of our time / PyTorch's in the same round, the two")
        print("figures taken a step apart, so a spell of load or a change of clock speed moves both.")
    for th in threads:
        for dt in ("float32", "float64"):
            peak = [torch.get((w, dt, th)) for w in ("peak_torch_mm_2048", "peak_numpy_matmul_2048")]
            if all(peak):
                print(f"machine peak at threads={th} {dt}: torch.mm 2048 {peak[0]['median']:.1f} GFLOP/s, "
                      f"numpy.matmul 2048 {peak[1]['median']:.1f} GFLOP/s")
    for (dt, th), p in sorted(parity.items()):
        print(f"PyTorch MLP losses threads={th} {dt}: step 1 {p['mlp_loss_step1']:.13f}, "
              f"step 20 {p['mlp_loss_step20']:.13f}")
    if env:
        print("PyTorch env:", json.dumps({k: env.get(k) for k in ("torch", "openblas_core", "cpu_capability",
                                                                  "OPENBLAS_CORETYPE")}))


if __name__ == "__main__":
    main()
