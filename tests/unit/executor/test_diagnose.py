"""A failed step's cause in plain words, read from real outputs of uv, pip and apt (tests/fixtures/failures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from installer.executor.diagnose import Diagnoser, diagnose

FAILURES = Path(__file__).resolve().parents[2] / "fixtures" / "failures"


def lines(*names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        out += (FAILURES / name).read_text().splitlines()
    return out


@pytest.mark.parametrize("files, cause", [
    (["uv-version-not-found.txt"], "torchvision==0.28.0+cpu is not in the package sources this run uses"),
    (["pip-version-not-found.txt"], "a package is not in the package sources this run uses"),
    (["uv-not-in-find-links.txt"], "torchvision==0.28.0+cpu is not in the package sources this run uses"),
    # the pip fallback runs after uv in the same step: uv's line names the package
    (["uv-version-not-found.txt", "pip-version-not-found.txt"],
     "torchvision==0.28.0+cpu is not in the package sources this run uses"),
    (["uv-dns.txt"], "a package source's host name could not be resolved (no network or DNS)"),
    (["pip-dns.txt"], "a package source's host name could not be resolved (no network or DNS)"),
    (["uv-tls.txt"], "a package source's HTTPS certificate was not trusted"),
    (["pip-tls.txt"], "a package source's HTTPS certificate was not trusted"),
    (["uv-401.txt", "pip-401.txt"], "a package index refused the request: it needs a user name and password or token"),
    (["uv-no-space.txt"], "the disk is full (No space left on device)"),
    (["pip-no-space.txt"], "the disk is full (No space left on device)"),
    (["apt-unable-to-locate.txt"], "apt does not know the package nvidia-driver-999"),
    # the driver's build step asks for the running kernel's headers; the archive dropped that kernel's
    (["apt-old-kernel-headers.txt"], "apt does not know the package linux-headers-6.1.0-18-amd64: the running "
                                     "kernel is older than the distribution's current one, whose headers alone "
                                     "the archive still has"),
    (["sudo-setenv.txt"],
     "sudoers lets this step run as root but not pass on its settings (the SETENV tag is missing)"),
    # the host GitHub did not resolve, but what failed is a Python download: a package mirror is no way round it
    (["uv-python-download.txt"],
     "uv could not download Python 3.9 (a python-build-standalone release on GitHub) to build the environment from"),
    # uv then says the version is not on the index: the damaged file is the cause
    (["uv-damaged-wheel.txt"], "torch==2.13.0+cpu arrived damaged: the file downloaded is not a whole, valid wheel "
                               "(or not the one the index's checksum names)"),
    (["uv-damaged-wheel.txt", "pip-hash-mismatch.txt"], "torch==2.13.0+cpu arrived damaged: the file downloaded is "
                                                         "not a whole, valid wheel (or not the one the index's "
                                                         "checksum names)"),
    (["pip-hash-mismatch.txt"], "a package arrived damaged: the file downloaded is not a whole, valid wheel (or not "
                                "the one the index's checksum names)"),
    (["pip-externally-managed.txt"],
     "this Python is managed by the operating system (PEP 668) and refuses pip installs"),
])
def test_the_cause_of_each_recorded_failure(files, cause):
    got = diagnose(lines(*files))
    assert got is not None and got.cause == cause
    assert got.hint  # every cause comes with what to do next


def test_the_root_cause_wins_over_its_consequence_whatever_the_order():
    # pip says "No matching distribution" after "certificate verify failed": the certificate is the cause
    tls = "a package source's HTTPS certificate was not trusted"
    assert diagnose(lines("pip-tls.txt")).cause == tls
    assert diagnose(lines("uv-version-not-found.txt", "pip-tls.txt")).cause == tls
    assert diagnose(lines("pip-tls.txt", "uv-version-not-found.txt")).cause == tls


def test_nothing_known_gives_no_guess():
    assert diagnose(["Traceback (most recent call last):", "ValueError: something else"]) is None
    assert diagnose([]) is None


def test_fed_line_by_line_it_gives_what_the_whole_gives():
    d = Diagnoser()
    for line in lines("uv-dns.txt", "pip-version-not-found.txt"):
        d.feed(line)
    assert d.result() == diagnose(lines("uv-dns.txt", "pip-version-not-found.txt"))
    assert "resolved" in d.result().cause


def test_torch_itself_missing_is_not_told_to_leave_out_an_extra():
    # recorded: only 2.13.0+cpu on this disk, 2.15.0+cpu asked for
    torch = diagnose(lines("uv-torch-not-found.txt"))
    assert torch is not None and torch.cause == "torch==2.15.0+cpu is not in the package sources this run uses"
    assert "extras" not in torch.hint and "choose a torch version those sources have" in torch.hint
    extra = diagnose(lines("uv-version-not-found.txt"))
    assert extra is not None and "leave that package out of the extras" in extra.hint


def test_a_package_missing_from_a_wheelhouse_is_not_sent_to_a_mirror():
    """Recorded: a wheelhouse holding torch 2.13.0+cpu without its dependencies. Offline, the wheelhouse is
    the only source: found in use, the step was told to choose a PyTorch mirror or to leave filelock out."""
    offline = diagnose(lines("uv-not-in-wheelhouse.txt"), kind="wheel")
    assert offline is not None
    assert offline.cause == "filelock is not in the wheelhouse, the only package source of an offline install"
    assert offline.hint.startswith("build the wheelhouse again with method: wheelhouse-build")
    assert "mirror" not in offline.hint and "extras" not in offline.hint
    online = diagnose(lines("uv-not-in-wheelhouse.txt"), kind="pip")  # the same words from an online install
    assert online is not None and online.cause == "filelock is not in the package sources this run uses"
