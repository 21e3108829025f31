"""Benchmarks (not tests): jjjmap against what a user would write without it.

Run from the repository root: ``python -m bench`` (``--quick`` for a short run). Every case
measures jjjmap and the baseline in the same run, alternating, in fresh processes, and reports
medians and their ratio; see ``bench/README.md``.
"""
