"""The one error family the gate shows its user: what is wrong and what to do, never internals."""

from __future__ import annotations


class GateError(Exception):
    """Bad usage, bad configuration or a failed program: the CLI prints it and exits 2."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.problem}\n  {self.fix}" if self.fix else self.problem
