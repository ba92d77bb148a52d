"""Benchmarks run by `make bench`: one JSON object a line, each figure with a floor from the same run."""
