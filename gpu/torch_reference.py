"""PyTorch reference for gpu/run.sh: sigmoid over 1M float32 and a chain of 5 elementwise
ops (neg, exp, sin, tanh, sigmoid), timed with torch.cuda events, plus sigmoid with the
copies in and out from page-locked and from ordinary host memory. Writes a table to the
file named by the first argument (and prints it)."""
import sys

import torch

N = 1 << 20


def per_call(fn, reps):
    for _ in range(10):
        fn()
    torch.cuda.synchronize()
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop) / reps


def main():
    dev = torch.device("cuda")
    x = torch.randn(N, dtype=torch.float32, device=dev) * 2
    out = torch.empty_like(x)
    pinned = torch.randn(N, dtype=torch.float32).pin_memory()
    pinned_out = torch.empty(N, dtype=torch.float32).pin_memory()
    plain = torch.randn(N, dtype=torch.float32)
    plain_out = torch.empty(N, dtype=torch.float32)

    def chain():
        torch.sigmoid(torch.tanh(torch.sin(torch.exp(torch.neg(x)))), out=out)

    def copies(src, dst):
        def run():
            d = src.to(dev, non_blocking=False)
            torch.sigmoid(d, out=out)
            dst.copy_(out)
        return run

    compiled = None
    try:
        compiled_fn = torch.compile(lambda t: torch.sigmoid(torch.tanh(torch.sin(torch.exp(torch.neg(t))))))
        compiled_fn(x)
        compiled = lambda: compiled_fn(x)
    except Exception as e:  # torch.compile needs a C compiler and triton; report, do not fail
        compiled_error = repr(e).splitlines()[0][:120]

    rows = [
        ("torch.sigmoid 1M f32, kernel only (events)", per_call(lambda: torch.sigmoid(x, out=out), 200)),
        ("torch.sigmoid 1M f32, copy in + kernel + copy out, pinned (events)", per_call(copies(pinned, pinned_out), 50)),
        ("torch.sigmoid 1M f32, copy in + kernel + copy out, ordinary (events)", per_call(copies(plain, plain_out), 50)),
        ("torch 5-op chain 1M f32, eager: 5 kernels (events)", per_call(chain, 200)),
    ]
    if compiled is not None:
        rows.append(("torch 5-op chain 1M f32, torch.compile fused (events)", per_call(compiled, 200)))
    else:
        rows.append(("torch 5-op chain 1M f32, torch.compile unavailable: " + compiled_error, float("nan")))
    text = "device: %s, torch %s\n" % (torch.cuda.get_device_name(0), torch.__version__)
    text += "%-72s %12s\n" % ("case", "ms per call")
    for name, ms in rows:
        text += "%-72s %12.4f\n" % (name, ms)
    print(text, end="")
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
