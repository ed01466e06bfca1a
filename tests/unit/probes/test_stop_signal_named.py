"""The journal's "interrupted" record keeps which signal stopped the run (found in use, t10: doctor said "with
Ctrl-C, or by a signal" of a `kill PID`); records written before it kept one read as they did."""

from __future__ import annotations

import pytest

from installer.executor.journal import Journal
from installer.probes.last_run import last_run_finding


@pytest.mark.parametrize(("msg", "said"), [
    ({"text": "interrupted", "args": {"signal": "SIGTERM"}}, "it was stopped by a signal (SIGTERM)"),
    ({"text": "interrupted", "args": {"signal": "SIGINT"}}, "it was stopped with Ctrl-C"),
    ({"text": "interrupted", "args": {}}, "it was stopped with Ctrl-C, or by a signal"),  # before session 28
    (None, "it was stopped with Ctrl-C, or by a signal"),  # before session 26: no detail_msg at all
])
def test_the_signal_kept_is_said(tmp_path, msg, said):
    state = tmp_path / "state"
    Journal(state, target=str(tmp_path / "env")).record("d1", "failed", "torch", detail="interrupted",
                                                        detail_msg=None if msg is None else [msg])
    finding = last_run_finding(state, now=None)
    assert finding is not None and finding.title == f"the install into {tmp_path / 'env'} stopped at step torch"
    assert finding.explanation.split(": ", 1)[1] == said, finding.explanation
