"""`python -m coach.bench`: the benchmark table (see coach/bench/common.py)."""

import sys

from coach.bench.common import main

sys.exit(main())
