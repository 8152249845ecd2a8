"""One exception family; the CLI turns each into "Error: ..." and its exit code."""

# Exit codes of the command-line contract.
EXIT_OK = 0
EXIT_FAILED = 1  # a request that cannot be done
EXIT_USAGE = 2  # the command line itself is wrong (Click/Typer)
EXIT_DATABASE = 3  # the database cannot be used


class IpcoopError(Exception):
    """A request that cannot be done. The message is shown to the user as is."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(IpcoopError):
    """An id, area or member code that does not exist."""


class InvalidValue(IpcoopError):
    """A value that breaks a rule (bad year, unknown status, ...)."""


class DatabaseError(IpcoopError):
    """The database file cannot be used: missing, corrupt, newer, locked, unwritable."""

    exit_code = EXIT_DATABASE
