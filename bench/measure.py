"""Run one command and print its wall time, CPU time and peak memory as JSON (used by run.py).

CPU time (user + system, of the command and its children) is what to compare between runs on
a machine that other work shares: the wall time then includes waiting for a core.
"""

import json
import resource
import subprocess
import sys
import time


def main() -> None:
    started = time.perf_counter()
    completed = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "seconds": round(seconds, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "returncode": completed.returncode,
        "stdout": completed.stdout[-4000:],
        "stderr": completed.stderr[-4000:],
    }))


if __name__ == "__main__":
    main()
