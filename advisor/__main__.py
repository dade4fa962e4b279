"""`python -m advisor` is the same front door as the `advisor` console script."""

import sys

from advisor.cli import main

sys.exit(main())
