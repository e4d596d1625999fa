"""How a command ends when a person asked for something that cannot be."""

from __future__ import annotations

EXIT_USAGE = 2


class CliError(Exception):
    """Ends the command with this one line, and exit code 1 (or the one given: 2 for a
    command asked for something that cannot be, like an audience of nobody)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
