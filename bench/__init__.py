"""PartnerDesk's benchmarks beside their baselines (issue 6): `python3 tasks.py bench`.

Not tests: nothing here asserts a time. See bench/__main__.py for the options and
bench/RESULTS.md for the latest figures.
"""
