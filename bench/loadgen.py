"""Running wrk and reading its result. The parsing is pure so tests/bench can check it."""

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

LUA = Path(__file__).with_name("report.lua")
MARKER = "BENCH_JSON "


@dataclass
class Sample:
    """One wrk run against one endpoint."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors, timeouts and HTTP status >= 400

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return dict(asdict(self), rps=round(self.rps, 1))


def parse_wrk(output: str) -> Sample:
    """The `BENCH_JSON` line printed by report.lua's `done()`."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            data = json.loads(line[len(MARKER) :])
            break
    else:
        raise ValueError("wrk printed no BENCH_JSON line (is bench/report.lua loaded?)")
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Sample(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
    )


def wrk(url: str, *, seconds: float, connections: int, threads: int = 1, headers=()) -> Sample:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
    ]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)
