"""Fixtures for the mirror tests: real loopback HTTP mirrors, stopped after each test."""

from __future__ import annotations

import pytest
from mirror_servers import Mirror


@pytest.fixture
def serve():
    started: list[Mirror] = []

    def start(name: str, **options) -> Mirror:
        m = Mirror(name, **options).start()
        started.append(m)
        return m

    yield start
    for m in started:
        m.stop()
