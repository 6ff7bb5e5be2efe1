"""Benchmarks (``make bench``, ``bench/run.py``): measured and printed, never run by
``make test``.
"""
