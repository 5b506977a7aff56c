"""Benchmark scripts: each prints `<figure_name>: <value> <unit>` lines (never fails on time)."""
