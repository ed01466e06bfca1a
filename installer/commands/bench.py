"""`torch-setup bench`. Placeholder until its issue lands: it says so and exits 1."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    print("torch-setup bench: not built yet", file=sys.stderr)
    return 1
