"""python -m bench: the whole suite (bench/suite.py)."""

from bench.suite import main

main()
