"""Entry point of the PyInstaller bundle: the same front door as the `advisor` script."""

import sys

from advisor.cli import main

if __name__ == "__main__":
    sys.exit(main())
