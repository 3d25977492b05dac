"""`python -m advisor.cli`: the `advisor` command without its console script."""

import sys

from advisor.cli.main import main

sys.exit(main())
