#!/usr/bin/env python3
"""Single-thread OpenBLAS (numpy float32 matmul) on given matrix shapes, the
reference that `optbench bench --python PATH` prints its products against.

For each shape (m, n, k) it times C = A·B with A m×k and B k×n, float32,
row-major (C-contiguous, the layout optbench's products use), on ONE thread,
and prints JSON on stdout:

    python3 scripts/matmul_reference.py --shapes '[[32, 300, 784], [256, 300, 784]]' --seconds 0.5

    {"numpy": "2.4.6", "blas": {"name": "scipy-openblas", "version": "0.3.31", ...},
     "kernel": "SkylakeX", "threads": 1, "removed_environment": {...}, "statistic": "median",
     "shapes": [{"m": 32, "n": 300, "k": 784, "seconds_per_call": 1.1e-05, "gflops": 43.5}, ...]}

"kernel" is the core type OpenBLAS chose (threadpoolctl's "architecture"),
"unknown" without threadpoolctl (`pip install threadpoolctl`). The thread
count is pinned to 1 through the environment before numpy is imported.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, which some machines set and which
slow a current OpenBLAS, are removed (both together) unless
--keep-openblas-environment is given; "removed_environment" records their
values. Timing (as optbench's Stopwatch does): one warm-up call, then for at
least --seconds either batches of calls of about 10 ms and the median seconds
per call over the batches (--statistic median), or single calls and the
fastest of them (--statistic fastest: other work on the core only slows a
call). Errors: one line on stderr, exit status 2.
"""
import argparse
import json
import os
import sys
import time

THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
SLOWING_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def fail(message):
    print(f"matmul_reference.py: {message}", file=sys.stderr)
    sys.exit(2)


def parse_shapes(text):
    try:
        shapes = json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"--shapes: not JSON ({error})")
    if not isinstance(shapes, list) or not shapes:
        fail("--shapes: expected a non-empty list of [m, n, k]")
    for shape in shapes:
        if (not isinstance(shape, list) or len(shape) != 3
                or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in shape)):
            fail(f"--shapes: {json.dumps(shape)} is not [m, n, k] of positive integers")
    return shapes


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", required=True, help="JSON list of [m, n, k]: C (m×n) = A (m×k) · B (k×n)")
    parser.add_argument("--seconds", type=float, default=0.5, help="seconds spent timing each shape")
    parser.add_argument("--statistic", choices=("median", "fastest"), default="median",
                        help="median seconds per call over batches, or the fastest single call")
    parser.add_argument("--keep-openblas-environment", action="store_true",
                        help="keep OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE instead of removing them")
    arguments = parser.parse_args()
    if not arguments.seconds > 0 or arguments.seconds == float("inf"):
        fail(f"--seconds: must be a finite number > 0, got {arguments.seconds}")
    arguments.shapes = parse_shapes(arguments.shapes)
    return arguments


def blas_configuration(np):
    """numpy's build configuration of its BLAS: name, version, configuration line."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # numpy < 1.26 has no mode="dicts"
        return {"name": "unknown", "version": "unknown", "configuration": "unknown"}
    return {"name": str(blas.get("name", "unknown")), "version": str(blas.get("version", "unknown")),
            "configuration": " ".join(str(blas.get("openblas configuration", "unknown")).split())}


def blas_runtime():
    """The kernel (core type) and thread count the loaded BLAS runs, from threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown", None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return str(pool.get("architecture") or "unknown"), pool.get("num_threads")
    return "unknown", None


def seconds_per_call(body, minimum_seconds):
    body()
    repetitions = 1
    while True:
        start = time.perf_counter()
        for _ in range(repetitions):
            body()
        if time.perf_counter() - start > 0.01 or repetitions > 1 << 20:
            break
        repetitions *= 2
    samples = []
    deadline = time.perf_counter() + minimum_seconds
    while len(samples) < 3 or time.perf_counter() < deadline:
        start = time.perf_counter()
        for _ in range(repetitions):
            body()
        samples.append((time.perf_counter() - start) / repetitions)
    samples.sort()
    return samples[len(samples) // 2]


def fastest_call(body, minimum_seconds, minimum_calls=20):
    body()
    fastest = float("inf")
    calls = 0
    deadline = time.perf_counter() + minimum_seconds
    while calls < minimum_calls or time.perf_counter() < deadline:
        start = time.perf_counter()
        body()
        fastest = min(fastest, time.perf_counter() - start)
        calls += 1
    return fastest


def main():
    arguments = parse_arguments()
    removed = {}
    if not arguments.keep_openblas_environment:
        for name in SLOWING_VARIABLES:
            removed[name] = os.environ.pop(name, None)
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    try:
        import numpy as np
    except ImportError as error:
        fail(f"cannot import numpy ({error}); this Python is {sys.executable}")

    kernel, threads = blas_runtime()
    rng = np.random.default_rng(1)
    results = []
    for m, n, k in arguments.shapes:
        a = (rng.random((m, k), dtype=np.float32) - 0.5)
        b = (rng.random((k, n), dtype=np.float32) - 0.5)
        c = np.empty((m, n), dtype=np.float32)
        timer = seconds_per_call if arguments.statistic == "median" else fastest_call
        seconds = timer(lambda: np.matmul(a, b, out=c), arguments.seconds)
        results.append({"m": m, "n": n, "k": k, "seconds_per_call": seconds,
                        "gflops": 2.0 * m * n * k / seconds / 1e9})
    json.dump({"numpy": np.__version__, "python": sys.version.split()[0], "blas": blas_configuration(np),
               "kernel": kernel, "threads": threads, "removed_environment": removed, "statistic": arguments.statistic, "shapes": results},
              sys.stdout)
    print()


if __name__ == "__main__":
    main()
