"""The command line: `advisor ...`, a thin front door over the same core as the window.

app.py builds the parser and runs a command; flags.py declares the flags; options.py turns flags into
constraints and hardware; common.py holds the shared output and error helpers; action.py, catalog.py,
hardware.py and server.py are the subcommands; client.py and serving.py (with served.py) are the two
ends of the resident server (`advisor server start`). Nothing heavy is imported here, so `advisor --version`
starts fast, and a command the server answers loads nothing but the client.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (mypy takes the name as true), without typing's ~2 ms
if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """The `advisor` command: the resident server's answer when this user runs one and it can
    answer (only for the command line's own arguments), else the command run in this process."""
    if argv is None:
        from advisor.cli.client import answer_from_server  # noqa: PLC0415

        code = answer_from_server(sys.argv[1:])
        if code is not None:
            return code
    from advisor.cli.app import main as run  # noqa: PLC0415

    return run(argv)


__all__ = ["main"]
