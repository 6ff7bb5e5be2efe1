"""`python -m quiz ...`: the command line (quiz/build/cli.py, build time: it reads YAML)."""

import sys

from .build.cli import main

sys.exit(main())
