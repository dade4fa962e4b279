"""The command line: `advisor ...`, a thin front door over the same core as the window.

app.py builds the parser and runs a command; flags.py declares the flags; options.py turns flags into
constraints and hardware; common.py holds the shared output and error helpers; action.py, catalog.py and
hardware.py are the subcommands. Nothing heavy is imported here, so `advisor --version` starts fast.
"""

from advisor.cli.app import main

__all__ = ["main"]
