"""`python -m shared.cli ...` is `rosetta ...` (compare starts its Keras children this way)."""

import sys

from shared.cli import main

sys.exit(main())
