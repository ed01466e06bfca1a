"""How fast is this GPU (or CPU) with torch? Progress and the result as JSON lines on stdout.

Run BY THE TARGET INTERPRETER, by path: `python installer/probes/bench.py [--quick]`. Standard library
and torch only; Python 3.8 compatible. Each line on stdout is one JSON object:
  {"type": "start", ...}                      what will be measured
  {"type": "progress", "test": id, "done": k, "total": n, "label": ...}
  {"type": "measurement", "test": {...}}      one finished figure, as soon as it exists
  {"type": "result", ...}                     everything, last

GPU: matmul TFLOP/s (fp32, tf32, fp16, bf16), device memory bandwidth, host-to-device and
device-to-host bandwidth (pinned and pageable); timed with CUDA events after a warm-up, repeated,
reported as median and spread. No GPU: matmul GFLOP/s and memory bandwidth on the CPU, timed with
perf_counter. The host adds what the card should reach and NVML facts (installer/probes/results.py).
"""

import argparse
import importlib
import json
import os
import platform
import statistics
import sys
import time

SCHEMA = 1
HERE = os.path.dirname(os.path.abspath(__file__))
_OUT = None  # the real stdout, kept for JSON lines while fd 1 points at stderr


def _(text):
    """A reason the host shows in the person's language: it looks the English text up in its catalog
    (the JSON keeps the English; installer/i18n/zh.yaml has each text marked so)."""
    return text


def emit(obj):
    os.write(_OUT, (json.dumps(obj) + "\n").encode())


def summary(samples):
    """Median and spread of repeated figures (higher is better for all of them)."""
    med = statistics.median(samples)
    lo, hi = min(samples), max(samples)
    return {"median": med, "min": lo, "max": hi, "repeats": len(samples),
            "spread_pct": round(100.0 * (hi - lo) / med, 2) if med else None,
            "samples": [round(s, 4) for s in samples]}


class Bench:
    def __init__(self, torch, device, quick):
        self.torch, self.device, self.quick = torch, device, quick
        self.cuda = device.startswith("cuda")
        self.tests, self.skipped = [], []
        self.repeats = 5 if quick else 15

    # ---- timing --------------------------------------------------------------------------------------
    def _time_cuda(self, fn, inner):
        torch = self.torch
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(inner):
            fn()
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / 1000.0 / inner

    def _time_cpu(self, fn, inner):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        return (time.perf_counter() - t0) / inner

    def measure(self, test_id, label, fn, work, unit, scale, target_s, extra=None):
        """Warm up, pick an inner loop count so one sample lasts about target_s, then repeat.

        `work` is what one call does (FLOPs or bytes); a figure is work / seconds / scale.
        """
        timer = self._time_cuda if self.cuda else self._time_cpu
        fn()
        if self.cuda:
            self.torch.cuda.synchronize()
        once = max(timer(fn, 1), 1e-7)
        inner = max(1, min(1000, int(target_s / once)))
        timer(fn, inner)  # warm-up at the real loop length: clocks rise, caches settle
        samples = []
        for k in range(self.repeats):
            seconds = timer(fn, inner)
            samples.append(work / seconds / scale)
            # what the row will say (size, dtype, bytes): the host names the test in the person's language
            event = {"type": "progress", "test": test_id, "label": label, "done": k + 1, "total": self.repeats}
            event.update(extra or {})
            emit(event)
        row = {"id": test_id, "label": label, "unit": unit, "inner": inner}
        row.update(extra or {})
        row.update(summary(samples))
        self.tests.append(row)
        emit({"type": "measurement", "test": row})
        return row

    def skip(self, test_id, reason):
        self.skipped.append({"id": test_id, "reason": reason})
        emit({"type": "progress", "test": test_id, "label": test_id, "done": 0, "total": 0, "skipped": reason})

    # ---- matmul --------------------------------------------------------------------------------------
    def _cpu_size(self, dtype, budget_s):
        """Grow n until one product takes about budget_s: slow dtypes on slow CPUs stay small."""
        torch = self.torch
        n = 128
        while n < 4096:
            a = torch.randn(n, n).to(dtype)
            t0 = time.perf_counter()
            a @ a
            if time.perf_counter() - t0 > budget_s / 8:
                break
            n *= 2
        return n

    def matmul(self, name, dtype, tf32=False):
        torch = self.torch
        test_id = "matmul-" + name
        if self.cuda:
            sizes = (8192,) if self.quick else (4096, 8192, 16384)
            free = torch.cuda.mem_get_info()[0] if hasattr(torch.cuda, "mem_get_info") else None
            best = None
            for n in sizes:
                need = 3 * n * n * torch.empty((), dtype=dtype).element_size()
                if free is not None and need > 0.8 * free:
                    continue
                torch.backends.cuda.matmul.allow_tf32 = tf32
                a = torch.randn(n, n, device=self.device, dtype=dtype)
                b = torch.randn(n, n, device=self.device, dtype=dtype)
                out = torch.empty(n, n, device=self.device, dtype=dtype)

                def fn(a=a, b=b, out=out):
                    torch.matmul(a, b, out=out)

                row = self.measure(test_id, f"matmul {name} {n}x{n}", fn, 2.0 * n ** 3,
                                   "TFLOP/s", 1e12, 0.05 if self.quick else 0.2, {"size": n, "dtype": name})
                if best is not None:
                    # keep one row per test: the size that reached the most
                    self.tests.remove(row if row["median"] <= best["median"] else best)
                    best = best if row["median"] <= best["median"] else row
                else:
                    best = row
                del a, b, out
                torch.cuda.empty_cache()
            torch.backends.cuda.matmul.allow_tf32 = False
            if best is None:
                self.skip(test_id, _("not enough free GPU memory"))
            return
        n = self._cpu_size(dtype, 0.4 if self.quick else 1.5)
        a, b = torch.randn(n, n).to(dtype), torch.randn(n, n).to(dtype)

        def fn_cpu(a=a, b=b):
            a @ b

        self.measure(test_id, f"matmul {name} {n}x{n}", fn_cpu, 2.0 * n ** 3, "GFLOP/s", 1e9,
                     0.1 if self.quick else 0.4, {"size": n, "dtype": name})

    # ---- memory --------------------------------------------------------------------------------------
    def device_bandwidth(self):
        torch = self.torch
        if self.cuda:
            free = torch.cuda.mem_get_info()[0] if hasattr(torch.cuda, "mem_get_info") else 8 << 30
            nbytes = int(min(1 << 30, free // 4))
        else:
            nbytes = (64 << 20) if self.quick else (256 << 20)
        src = torch.empty(nbytes // 4, dtype=torch.float32, device=self.device).fill_(1.0)
        dst = torch.empty_like(src)

        def fn(src=src, dst=dst):
            dst.copy_(src)

        # a copy reads and writes every byte once: 2 x size moved
        where = "device" if self.cuda else "main"  # on a CPU the copy is in the computer's own memory
        self.measure("memory-bandwidth", f"{where} memory copy {nbytes >> 20} MiB", fn, 2.0 * nbytes,
                     "GB/s", 1e9, 0.05 if self.quick else 0.2, {"bytes": nbytes, "memory": where})

    def transfers(self):
        torch = self.torch
        nbytes = (64 << 20) if self.quick else (256 << 20)
        dev = torch.empty(nbytes // 4, dtype=torch.float32, device=self.device)
        for pinned in (True, False):
            host = torch.empty(nbytes // 4, dtype=torch.float32, pin_memory=pinned)
            kind = "pinned" if pinned else "pageable"

            def h2d(dev=dev, host=host):
                dev.copy_(host, non_blocking=True)

            def d2h(dev=dev, host=host):
                host.copy_(dev, non_blocking=True)

            self.measure("h2d-" + kind, f"host to device, {kind} memory", h2d, float(nbytes), "GB/s",
                         1e9, 0.05 if self.quick else 0.2, {"bytes": nbytes, "memory": kind})
            self.measure("d2h-" + kind, f"device to host, {kind} memory", d2h, float(nbytes), "GB/s",
                         1e9, 0.05 if self.quick else 0.2, {"bytes": nbytes, "memory": kind})


def _cpu_name():
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cuda_refusal(torch, asked):
    """Why the CUDA device asked for (`cuda:N`) cannot be measured, or None when it can. Measuring the
    CPU instead answers another question than the one asked (found in use: `--device cuda:0` with a CPU
    build printed CPU figures and exit 0); only `auto` falls back to the CPU. The host words it."""
    index = int(asked.split(":")[1]) if ":" in asked else 0
    base = {"device": asked, "torch_version": torch.__version__}
    if not (getattr(torch.version, "cuda", None) or getattr(torch.version, "hip", None)):
        return dict(base, cause="cpu-build")
    if not torch.cuda.is_available():
        reason = None
        try:
            torch.cuda.init()
        except Exception as exc:  # torch's own words for why: no driver, a driver too old, no device
            reason = " ".join(str(exc).split())
        # torch's message goes on with download URLs: the first sentence carries the reason
        first = (reason or "").split(". ")[0].rstrip(".")
        return dict(base, cause="no-gpu", error=first or "no CUDA device was found")
    count = int(torch.cuda.device_count())
    if index >= count:
        return dict(base, cause="no-such-device", count=count)
    return None


def run(args):
    started = time.monotonic()
    torch = importlib.import_module("torch")  # dynamic: the host package's import rules forbid torch
    if args.device.startswith("cuda"):
        refused = _cuda_refusal(torch, args.device)
        if refused is not None:
            return {"type": "result", "schema": SCHEMA, "device": None, "refused": refused,
                    "torch_version": torch.__version__, "cuda_build": getattr(torch.version, "cuda", None),
                    "quick": args.quick,
                    "python": {"version": platform.python_version(), "executable": sys.executable},
                    "tests": [], "skipped": [], "seconds": round(time.monotonic() - started, 2)}
    use_cuda = args.device != "cpu" and torch.cuda.is_available()
    if use_cuda:
        index = int(args.device.split(":")[1]) if ":" in args.device else 0
        device = f"cuda:{index}"
        torch.cuda.set_device(index)
        props = torch.cuda.get_device_properties(index)
        cap = torch.cuda.get_device_capability(index)
        info = {"type": "cuda", "index": index, "name": torch.cuda.get_device_name(index),
                "capability": "{}.{}".format(*cap), "memory_mib": int(props.total_memory // (1 << 20)),
                "multiprocessors": getattr(props, "multi_processor_count", None)}
    else:
        device, cap = "cpu", None
        info = {"type": "cpu", "name": _cpu_name(), "threads": torch.get_num_threads(),
                "logical_cpus": os.cpu_count(),
                "capability": torch.backends.cpu.get_cpu_capability()
                if hasattr(torch.backends, "cpu") else None}
    plan = ["matmul-fp32", "matmul-tf32", "matmul-fp16", "matmul-bf16", "memory-bandwidth"]
    if use_cuda:
        plan += ["h2d-pinned", "d2h-pinned", "h2d-pageable", "d2h-pageable"]
    emit({"type": "start", "device": info, "tests": plan, "quick": args.quick, "torch_version": torch.__version__})

    bench = Bench(torch, device, args.quick)
    bench.matmul("fp32", torch.float32)
    if use_cuda and tuple(cap) >= (8, 0):
        bench.matmul("tf32", torch.float32, tf32=True)
    else:
        bench.skip("matmul-tf32", _("TF32 needs an Ampere or newer GPU") if use_cuda else _("TF32 is a GPU mode"))
    bench.matmul("fp16", torch.float16)
    if not use_cuda or tuple(cap) >= (8, 0):
        bench.matmul("bf16", torch.bfloat16)
    else:
        bench.skip("matmul-bf16", _("bf16 tensor cores need an Ampere or newer GPU"))
    bench.device_bandwidth()
    if use_cuda:
        bench.transfers()
    return {"type": "result", "schema": SCHEMA, "device": info, "torch_version": torch.__version__,
            "cuda_build": getattr(torch.version, "cuda", None), "quick": args.quick,
            "python": {"version": platform.python_version(), "executable": sys.executable},
            "tests": bench.tests, "skipped": bench.skipped,
            "seconds": round(time.monotonic() - started, 2)}


def main(argv=None):
    global _OUT
    parser = argparse.ArgumentParser(description="Measure matmul and memory throughput with torch.")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (<= 20 s)")
    parser.add_argument("--device", default="auto", help="auto, cpu, or cuda:N")
    args = parser.parse_args(argv)
    sys.stdout.flush()
    _OUT = os.dup(1)
    os.dup2(2, 1)  # whatever torch prints goes to stderr: stdout carries JSON lines only
    try:
        result = run(args)
    except Exception as exc:
        emit({"type": "error", "error": f"{type(exc).__name__}: {exc}"})
        raise
    emit(result)
    return 0


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
    sys.exit(main())
