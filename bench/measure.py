"""Run one command and print its wall time and peak memory as JSON (used by run.py)."""

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    started = time.perf_counter()
    completed = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        "seconds": round(seconds, 2),
        "peak_mb": round(peak_kib / 1024, 1),
        "returncode": completed.returncode,
        "stdout": completed.stdout[-4000:],
        "stderr": completed.stderr[-4000:],
    }))


if __name__ == "__main__":
    main()
