"""The benchmark harness (see docs/benchmarks.md). Run with `bench/run.sh`; never part of CI."""
