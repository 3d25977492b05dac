"""`python -m benchmarks`: every benchmark, a markdown report on stdout and in BENCHMARKS.md."""

import sys

from .run import main

sys.exit(main())
