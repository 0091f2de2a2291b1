"""`kmsguard adopt` (filled in below)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def adopt(args: argparse.Namespace) -> int:
    return 0
