"""The error family the gate shows its user: what is wrong and what to do, never internals.

`GateError` is an ordinary exception (bad usage, bad configuration, a failed program or pack).
`GateAbort` is raised *into* whatever the main thread is running — the user's program included —
by a deadline or a signal, so it derives from BaseException: a program's `except Exception` must
not swallow the end of the run.
"""

from __future__ import annotations


class GateError(Exception):
    """Bad usage, bad configuration, a failed program or pack: the CLI prints it and exits 2."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem}\n  {self.fix}" if self.fix else self.problem


class GateAbort(BaseException):
    """The run was ended from outside: the `--timeout` deadline, SIGTERM or SIGINT."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem}\n  {self.fix}" if self.fix else self.problem


def timed_out(seconds: float, during: str) -> GateAbort:
    return GateAbort(
        f"timed out after {seconds:g} s (--timeout) {during}",
        "find what never finishes (a program that loops, an Output that never resolves, a slow rule) "
        "or raise --timeout",
    )
