# The PyTorch peer of bench/peer.ts: reads one network's PyTorch source (from
# `layerlint export --pytorch`) on stdin and times the oracle's hook count of it
# (test/oracle/oracle.py measure(): build the module, register forward hooks, run a zero
# input, sum MACs and parameters), CPU and wall time per count after one warm-up, printed as
# one JSON line with the totals so the caller can check both tools counted the same network.
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "oracle"))
import oracle  # noqa: E402

import torch  # noqa: E402


def main():
    source = sys.stdin.read()
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    result = oracle.measure(source)
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        oracle.measure(source)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - w) * 1000)
    print(json.dumps({
        "torch": torch.__version__,
        "cpu_ms": cpu,
        "wall_ms": wall,
        "macs": sum(result["macs"]),
        "params": result["totalParams"],
    }))


if __name__ == "__main__":
    main()
