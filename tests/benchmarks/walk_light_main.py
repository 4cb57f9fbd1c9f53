"""Verify integrity timed from a process whose main module is as light as ``keyward``'s.

    uv run python tests/benchmarks/walk_light_main.py sqlite:///PATH [RUNS]

A worker started with the *spawn* method imports its parent's main module first.
``bench_audit.py`` imports SQLAlchemy and the services at its top, so its workers pay for
that and its worker walks read slower than the console's (whose ``keyward`` script imports
``app.main`` only). This script imports nothing at its top: run it by path (not with
``-m``), against a database seeded by ``bench_audit.py --reuse``. Prints each walk's wall
time and the CPU time of this process and its reaped workers.
"""

import sys

if __name__ == "__main__":
    import resource
    import time

    from app.domain.hashing import FAST_FOR_TESTS, TokenHasher
    from app.services import open_services

    url = sys.argv[1]
    services = open_services(url, hasher=TokenHasher(FAST_FOR_TESTS), operator_login="bench-admin")
    for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 1):
        who = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        before = [resource.getrusage(w) for w in who]
        start = time.perf_counter()
        report = services.audit.check_integrity()
        wall = time.perf_counter() - start
        after = [resource.getrusage(w) for w in who]
        cpu = sum(
            a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime
            for a, b in zip(after, before, strict=True)
        )
        print(
            f"{report.events:,} events, intact={report.intact}: {wall:.2f} s wall "
            f"({report.events / wall:,.0f}/s), {cpu:.2f} s CPU ({report.events / cpu:,.0f}/CPU-s)",
            flush=True,
        )
    services.close()
