"""One byte formatter, in binary units, for the plain front-end and the wizard."""

from __future__ import annotations

import io

import pytest

from installer.executor.events import Progress
from installer.executor.plain import PlainProgress
from installer.executor.units import size_text


@pytest.mark.parametrize("n, text", [
    (0, "0 B"),
    (999, "999 B"),
    (1023, "1023 B"),
    (1024, "1.0 KiB"),
    (1536, "1.5 KiB"),
    (1_500_000, "1.4 MiB"),  # binary: 1.43 MiB, where decimal units would say 1.5 MB
    (3 * 1024 ** 2, "3.0 MiB"),
    (2_700_000_000, "2.5 GiB"),  # a CUDA build of torch
    (5 * 1024 ** 4, "5.0 TiB"),
])
def test_size_text(n, text):
    assert size_text(n) == text


@pytest.mark.parametrize("n, text", [
    (1023.7, "1.0 KiB"),  # would print as "1024 B"
    (1023.97 * 1024, "1.0 MiB"),  # would print as "1024.0 KiB"
    (1023.97 * 1024 ** 3, "1.0 TiB"),
])
def test_a_figure_never_reads_1024_of_a_unit(n, text):
    assert size_text(n) == text


def test_rates_are_floats():
    assert size_text(1.5e6) == "1.4 MiB"


def test_the_plain_front_end_prints_the_same_figures():
    out = io.StringIO()
    PlainProgress(out).handle(Progress("fetch", "cuda.run", done=1_500_000, total=3 * 1024 ** 2))
    assert out.getvalue() == "    cuda.run: 1.4 MiB / 3.0 MiB\n"
