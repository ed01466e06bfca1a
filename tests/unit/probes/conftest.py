"""Fixtures of the probe tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def checks_by_name():
    def get(result: dict) -> dict[str, dict]:
        return {c["name"]: c for c in result["checks"]}
    return get
