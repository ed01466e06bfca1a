"""A download that fails is said once, in words, and a name that does not resolve is not called tampering.

Found in use (step cuda-repo, hosts that do not resolve): the message "could not download ...: ... Name or
service not known -> ... a file that failed its checksum may have been tampered with" was printed twice,
once as the step's output and once inside "FAILED (...)", although no file ever came. Real runs of the
executor: a `.invalid` host (RFC 6761: it never resolves), a port where nothing listens, a server on
127.0.0.1 that answers 503; rendered by the plain front-end, with and without --quiet.
"""

from __future__ import annotations

import hashlib
import io
import socket

import pytest
from helpers import recipe_fixture

from installer.executor.events import StepFinished
from installer.executor.plain import PlainProgress
from installer.plan.model import Download, Plan, Step

from .conftest import run

rangeserver = recipe_fixture("rangeserver")
NAME = "cuda-keyring_1.1-1_all.deb"
SHA = hashlib.sha256(b"the real keyring").hexdigest()
UNRESOLVED = (f"https://developer.download.nvidia.invalid/compute/cuda/repos/debian12/x86_64/{NAME}",
              f"https://mirror.nvidia.invalid/{NAME}")


def _closed_port_url() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now: connection refused
    return f"http://127.0.0.1:{port}/{NAME}"


def _step(tmp_path, urls) -> Plan:
    download = Download(urls=tuple(urls), dest=str(tmp_path / "dl" / NAME), sha256=SHA)
    return Plan(steps=(Step(id="cuda-repo", title="NVIDIA's CUDA repository", kind="command",
                            downloads=(download,)),))


def _shown(events, *, quiet: bool) -> str:
    out = io.StringIO()
    PlainProgress(out, quiet=quiet).consume(iter(events))
    return out.getvalue()


@pytest.mark.parametrize("quiet", [False, True])
def test_names_that_do_not_resolve_are_said_once_and_as_the_network(tmp_path, state, quiet):
    events = run(_step(tmp_path, UNRESOLVED), state)
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert failed.status == "failed"
    text = _shown(events, quiet=quiet)
    print(text)  # what a person sees (pytest -s)
    for url in UNRESOLVED:
        assert text.count(url) == 1, text
    host = "developer.download.nvidia.invalid"
    assert f"{UNRESOLVED[0]}: the host name {host} does not resolve here" in text
    assert f"check the network and the DNS server (`getent hosts {host}`" in text
    assert "tampered" not in text and "checksum" not in text
    assert f"-> FAILED {failed.seconds:.1f} s (could not download {NAME})\n" in text
    # every line of the message in the step's column, none at the margin
    assert all(line.startswith("    ") for line in text.splitlines()[1:-2]), text
    assert not (tmp_path / "dl" / NAME).exists()


def test_a_server_error_and_a_refused_port_are_said_in_words(tmp_path, state):
    root = tmp_path / "www"
    root.mkdir()
    (root / NAME).write_bytes(b"the real keyring")
    closed = _closed_port_url()
    with rangeserver.RangeServer(root) as server:
        server.behaviour[NAME] = rangeserver.Behaviour(status=503)
        events = run(_step(tmp_path, (server.url(NAME), closed)), state)
    text = _shown(events, quiet=False)
    assert f"{server.url(NAME)}: HTTP 503 Service Unavailable\n" in text
    assert f"{closed}: ConnectError:" in text and "Connection refused" in text
    assert text.count(closed) == 1 and "tampered" not in text
    assert "then run again: what was downloaded is kept" in text


def test_a_file_that_came_wrong_is_still_said_as_possible_tampering(tmp_path, state):
    root = tmp_path / "www"
    root.mkdir()
    (root / NAME).write_bytes(b"not the keyring")
    with rangeserver.RangeServer(root) as server:
        events = run(_step(tmp_path, (server.url(NAME),)), state)
    text = _shown(events, quiet=False)
    assert "sha256 mismatch" in text and "may have been tampered with" in text
    assert text.count("sha256 mismatch") == 1
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert "sha256 mismatch" in failed.detail  # the step's record keeps the reasons (the journal, the wizard)
