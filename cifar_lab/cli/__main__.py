"""`python -m cifar_lab.cli`: the `cifar-lab` command, for environments without the console script."""

import sys

from cifar_lab.cli import main

sys.exit(main())
