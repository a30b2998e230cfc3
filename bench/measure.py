"""Runs one command and prints {"wallMs", "maxRssKb", "exitCode"} as JSON on stdout.

Wall time is taken around fork and wait only, so this wrapper's own start-up is not counted;
peak RSS is the child's own, from wait4's rusage.

Usage: python3 measure.py <command> [args...]
"""
import json
import os
import sys
import time


def main() -> None:
    argv = sys.argv[1:]
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        if os.environ.get("BENCH_KEEP_STDERR") != "1":
            os.dup2(devnull, 2)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"wallMs": wall_ms, "maxRssKb": usage.ru_maxrss, "exitCode": os.waitstatus_to_exitcode(status)}))


if __name__ == "__main__":
    main()
