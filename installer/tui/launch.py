"""Starts the wizard. Placeholder until the wizard's issue lands."""

from __future__ import annotations

import argparse
import sys


def run_wizard(args: argparse.Namespace) -> int:
    print("the wizard is not built yet: try `torch-setup detect` and `torch-setup recommend`", file=sys.stderr)
    return 1
