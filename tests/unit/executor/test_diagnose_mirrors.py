"""A mirror that fails is said as what it did: the HTTP status it answered and its URL, a connection it
refused, a name that did not resolve; never as a package missing from the sources (found in use: a mirror
answering 503 was reported as "torch==2.13.0+cpu is not in the package sources this run uses").

From real uv and pip outputs against stand-in mirrors on 127.0.0.1 (tests/fixtures/failures, README says
how each was made), then once for real: a step running uv and its pip fallback against a server that
answers 503, read by the runner as it streams.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import answering

from installer.executor.diagnose import diagnose, index_of
from installer.executor.events import StepFinished
from installer.executor.plain import PlainProgress
from installer.plan.model import Command, Plan, Step

from .conftest import PY, run

FAILURES = Path(__file__).resolve().parents[2] / "fixtures" / "failures"
UV = str(Path(sys.executable).with_name("uv"))


def lines(*names: str) -> list[str]:
    return [line for name in names for line in (FAILURES / name).read_text().splitlines()]


@pytest.mark.parametrize("files, cause", [
    (["uv-503.txt"], "the package index http://127.0.0.1:8767/whl/cpu answered HTTP 503 Service Unavailable "
                     "(for http://127.0.0.1:8767/whl/cpu/torch/)"),
    # the step as it runs: uv gives up on the mirror, pip falls back and says only "No matching distribution"
    (["uv-503.txt", "pip-503.txt"], "the package index http://127.0.0.1:8767/whl/cpu answered HTTP 503 Service "
                                    "Unavailable (for http://127.0.0.1:8767/whl/cpu/torch/)"),
    (["uv-503-index-url.txt"], "the package index http://127.0.0.1:8767/simple answered HTTP 503 Service "
                               "Unavailable (for http://127.0.0.1:8767/simple/six/)"),
    (["uv-502.txt"], "the package index http://127.0.0.1:8771/whl/cpu answered HTTP 502 Bad Gateway "
                     "(for http://127.0.0.1:8771/whl/cpu/torch/)"),
    (["uv-500.txt"], "the package index http://127.0.0.1:8772/whl/cpu answered HTTP 500 Internal Server Error "
                     "(for http://127.0.0.1:8772/whl/cpu/torch/)"),
    (["uv-403.txt"], "the package index http://127.0.0.1:8769/whl/cpu answered HTTP 403 Forbidden"),
    (["uv-403-index-url.txt"], "the package index http://127.0.0.1:8769/simple answered HTTP 403 Forbidden"),
])
def test_an_index_that_answered_an_error_is_named_with_its_status(files, cause):
    got = diagnose(lines(*files))
    assert got is not None and got.cause == cause
    assert "not in the package sources" not in got.cause


@pytest.mark.parametrize("name", ["uv-503.txt", "uv-502.txt", "uv-500.txt", "uv-503-index-url.txt"])
def test_a_server_error_says_wait_and_run_again_or_choose_another_mirror(name):
    hint = diagnose(lines(name)).hint
    assert "Run the same command again later (the steps already done are kept)" in hint
    assert "mirror.pytorch" in hint and "`auto` picks one that answers" in hint


def test_403_says_the_mirror_refuses_this_client_not_only_credentials():
    hint = diagnose(lines("uv-403.txt")).hint
    assert "refuses this client" in hint and "~/.netrc" in hint and "mirror.pytorch" in hint


@pytest.mark.parametrize("files, index", [
    (["uv-refused.txt"], "https://127.0.0.1:9/whl/cpu"),
    (["pip-refused.txt"], "https://127.0.0.1:9/whl/cpu"),  # from pip's own line: host, port and path
    (["uv-refused.txt", "pip-refused.txt"], "https://127.0.0.1:9/whl/cpu"),
    (["uv-stalled.txt"], "http://127.0.0.1:8768/whl/cpu"),
])
def test_a_refused_or_silent_index_is_named_in_the_hint(files, index):
    got = diagnose(lines(*files))
    assert got.cause == "a package source did not answer (connection refused or timed out)"
    assert got.hint.startswith(f"{index} did not answer: if it is a mirror, run the same command again once it "
                               "answers (the steps already done are kept)")


@pytest.mark.parametrize("name", ["uv-dns.txt", "pip-dns.txt"])
def test_a_name_that_does_not_resolve_names_the_host_and_how_to_check(name):
    got = diagnose(lines(name))
    assert got.cause == "a package source's host name could not be resolved (no network or DNS)"
    assert got.hint.startswith("download.pytorch.org does not resolve here: check the network and the DNS server")
    assert "`getent hosts download.pytorch.org`" in got.hint


@pytest.mark.parametrize("line", [
    # macOS's getaddrinfo (EAI_NONAME): not recordable on this Linux machine, its text as macOS prints it
    "  cause: failed to lookup address information: nodename nor servname provided, or not known",
    # glibc's EAI_AGAIN, as pip prints it when no DNS server answers
    "WARNING: Retrying (Retry(total=4)) after connection broken by 'NameResolutionError(\"HTTPSConnection("
    "host='mirror.example', port=443): Failed to resolve 'mirror.example' ([Errno -3] Temporary failure in name "
    "resolution)\")': /simple/six/",
])
def test_every_wording_of_a_name_not_resolving_is_dns(line):
    assert diagnose([line]).cause == "a package source's host name could not be resolved (no network or DNS)"


def test_a_404_is_not_claimed_when_the_tools_do_not_say_it():
    # uv and pip say nothing of a 404 (recorded): the plan's probe names it; here no status is invented
    got = diagnose(lines("uv-404.txt"))
    assert got.cause == "torch==2.13.0+cpu is not in the package sources this run uses"
    assert "404" not in got.cause + got.hint


def test_the_index_is_the_url_a_person_configured():
    assert index_of("http://127.0.0.1:8767/whl/cpu/torch/") == "http://127.0.0.1:8767/whl/cpu"
    assert index_of("https://mirror.example/simple/six/") == "https://mirror.example/simple"
    assert index_of("https://files.example/torch-2.13.0+cpu-cp311-cp311-linux_x86_64.whl") == \
        "https://files.example/torch-2.13.0+cpu-cp311-cp311-linux_x86_64.whl"
    assert index_of("http://127.0.0.1:8767/") == "http://127.0.0.1:8767/"


@pytest.fixture
def unavailable():
    with answering(503, b"Service Unavailable") as base:
        yield base


def test_a_real_step_against_a_mirror_answering_503_says_so(tmp_path, state, unavailable):
    venv = tmp_path / "env"
    subprocess.run([UV, "venv", "-q", "--python", PY, str(venv)], check=True)
    py = str(venv / "bin" / "python")
    index = f"{unavailable}/whl/cpu"
    # the pip kind's shape: uv, and pip when uv fails; no retries, so that the test takes no time
    pip = Command(argv=(PY, "-m", "pip", "--python", py, "install", "--disable-pip-version-check", "--no-input",
                        "--retries", "0", "--index-url", index, "torch==2.13.0+cpu"),
                  env=(("PIP_CONFIG_FILE", "/dev/null"), ("PIP_FIND_LINKS", "")))
    uv = Command(argv=(UV, "pip", "install", "--python", py, "--index-url", index, "torch==2.13.0+cpu"),
                 env=(("UV_HTTP_RETRIES", "0"), ("UV_NO_CONFIG", "1"), ("UV_FIND_LINKS", "")), fallback=pip)
    plan = Plan(steps=(Step(id="torch", title="Install torch", kind="command", commands=(uv,),
                            writable=(str(venv),)),))
    events = run(plan, state)
    failed = next(e for e in events if isinstance(e, StepFinished))
    assert failed.status == "failed"
    assert failed.cause == (f"the package index {index} answered HTTP 503 Service Unavailable "
                            f"(for {index}/torch/)"), failed
    out = io.StringIO()
    PlainProgress(out).consume(iter(events))
    text = out.getvalue()
    assert "No matching distribution found for torch==2.13.0+cpu" in text  # pip's words, shown as they came
    assert f"likely cause: the package index {index} answered HTTP 503 Service Unavailable" in text
    assert "is not in the package sources" not in text
