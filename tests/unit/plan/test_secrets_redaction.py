"""Credentials that were still shown: a conda channel token in the path (https://conda.anaconda.org/t/TOKEN/
channel), a password in the second URL of a comma-separated list (UV_FIND_LINKS, CONDA_CHANNELS), a
user:password@ typed without a scheme; errors that quote them; notes a kind makes with a URL in them."""

from __future__ import annotations

import pytest
from helpers import TESTS, load_module

from installer.answers import Answers
from installer.errors import InputError, TorchSetupError
from installer.hardware.report import HardwareReport
from installer.plan.indexes import Indexes, without_hidden_credentials
from installer.plan.kinds.base import Compiled, KindContext, get_kind
from installer.plan.tools import Tools
from installer.redaction import has_credentials, hidden_credentials, redact, redact_text

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
PASSWORD, TOKEN = server.PASSWORD, server.TOKEN
CONDA_TOKEN = "ab-9f1c2d3e-4b5a-6789-0abc-def012345678"  # the shape anaconda.org gives its tokens


@pytest.mark.parametrize("url, shown", [
    (f"https://conda.anaconda.org/t/{CONDA_TOKEN}/private-channel",
     "https://conda.anaconda.org/t/***/private-channel"),
    (f"https://conda.anaconda.org/t/{CONDA_TOKEN}", "https://conda.anaconda.org/t/***"),
    (f"https://pypi.anaconda.org/t/{CONDA_TOKEN}/bob/simple", "https://pypi.anaconda.org/t/***/bob/simple"),
    (f"https://bob:{PASSWORD}@conda.example/t/{CONDA_TOKEN}/ch", "https://***@conda.example/t/***/ch"),
    ("https://conda.example/t/my_folder/ch", "https://conda.example/t/my_folder/ch"),  # no token looks so
    ("https://conda.anaconda.org/conda-forge", "https://conda.anaconda.org/conda-forge"),
])
def test_redact_hides_a_token_in_the_path(url, shown):
    assert redact(url) == shown
    assert redact_text(f"-c {url} x") == f"-c {shown} x"
    assert has_credentials(url) == (url != shown)


@pytest.mark.parametrize("text, shown", [
    # the second URL of a list without blanks (UV_FIND_LINKS, CONDA_CHANNELS) was taken as part of the first
    (f"UV_FIND_LINKS=https://first.example/links,https://bob:{PASSWORD}@second.example/links",
     "UV_FIND_LINKS=https://first.example/links,https://***@second.example/links"),
    (f"CONDA_CHANNELS=https://conda.anaconda.org/t/{CONDA_TOKEN}/private,https://{TOKEN}@c.example/ch,conda-forge",
     "CONDA_CHANNELS=https://conda.anaconda.org/t/***/private,https://***@c.example/ch,conda-forge"),
    # the end of a sentence or a bracket ends a token as a slash does
    (f"(from https://conda.anaconda.org/t/{CONDA_TOKEN}).", "(from https://conda.anaconda.org/t/***)."),
    # user:password@host with no scheme (a mistyped mirror), in quotes and after `=`
    (f"'bob:{PASSWORD}@idx.example/simple' is not", "'***@idx.example/simple' is not"),
    (f"PIP_INDEX_URL=bob:{PASSWORD}@idx.example", "PIP_INDEX_URL=***@idx.example"),
    (f"'conda.anaconda.org/t/{CONDA_TOKEN}/conda-forge' is unknown", "'conda.anaconda.org/t/***/conda-forge' is unknown"),
    # and what is not a credential stays
    ("mail bob@example.com; git@github.com:org/repo; x=1:2 @home; /usr/lib/python3.11/t/abc",
     "mail bob@example.com; git@github.com:org/repo; x=1:2 @home; /usr/lib/python3.11/t/abc"),
])
def test_redact_text_finds_them_in_free_text(text, shown):
    assert redact_text(text) == shown


def test_a_hidden_token_is_recognised_and_left_out_rather_than_sent():
    """A saved report's URL with `/t/***/`: sending the stars as a token fails for certain; the URL
    without its token is what pip or conda can still use with a token of their own store."""
    hidden = "https://pypi.anaconda.org/t/***/bob/simple"
    assert hidden_credentials(hidden) and not hidden_credentials("https://pypi.anaconda.org/t/abc/bob/simple")
    assert without_hidden_credentials(hidden) == "https://pypi.anaconda.org/bob/simple"
    assert without_hidden_credentials("https://***@h.example/t/***/s") == "https://h.example/s"


def test_an_error_keeps_no_credentials_in_its_message_hint_or_text():
    """Errors are printed in one place (cli.py: render) and shown by the wizard from .message and .hint:
    hidden where the error is built, every one of them is covered."""
    url = f"https://bob:{PASSWORD}@idx.example/simple"
    error = InputError(f"{url!r} is not a URL", file="a.yaml", line=5, key="mirror.pypi",
                       hint=f"try https://{TOKEN}@tok.example/simple or conda.anaconda.org/t/{CONDA_TOKEN}/x")
    shown = [error.message, error.hint or "", error.render(), str(error)]
    assert not any(PASSWORD in s or TOKEN in s or CONDA_TOKEN in s for s in shown), shown
    assert error.render().startswith("a.yaml:5: mirror.pypi: 'https://***@idx.example/simple' is not a URL")
    failed = TorchSetupError(f"could not download x:\n  https://{TOKEN}@h.example/x: HTTP 404")
    assert failed.render() == "could not download x:\n  https://***@h.example/x: HTTP 404"


def _ctx(answers: Answers, indexes: Indexes) -> KindContext:
    return KindContext(answers=answers, report=HardwareReport(), pins=None, indexes=indexes,
                       tools=Tools(uv=None, python="/usr/bin/python3"), values={"torch.variant": "cu126"})


def test_a_kind_s_notes_are_hidden_where_they_are_made():
    """file.py's notes quote the PyTorch index; a URL with a password asked for in the answers was kept
    as it is in Compiled.notes (and so in Plan.notes, install's confirmation, the wizard's Review)."""
    url = f"https://bob:{PASSWORD}@torch.example/whl/cu126"
    answers = Answers.model_validate({"mirror": {"pytorch": url}})
    kind = get_kind("file")
    params = kind.Params.model_validate({"mirror_config": {"tool": "pip", "scope": "user"}})
    notes = kind.compile(params, _ctx(answers, Indexes(pytorch_index=url))).notes
    assert notes and all(PASSWORD not in n for n in notes)
    assert any("https://***@torch.example/whl/cu126" in n for n in notes), notes
    # any kind, any note: Compiled itself hides them
    assert Compiled(notes=(f"from https://conda.anaconda.org/t/{CONDA_TOKEN}/x",)).notes == (
        "from https://conda.anaconda.org/t/***/x",)


def test_detect_hides_a_channel_token_from_the_condarc(cli, tmp_path, xdg_home):
    """A .condarc naming a private channel with its token: `detect --json` (shared in forum posts) and
    the summary show `/t/***/`."""
    condarc = tmp_path / ".condarc"
    condarc.write_text(f"channels:\n  - https://conda.anaconda.org/t/{CONDA_TOKEN}/private\n  - conda-forge\n")
    env = {"CONDARC": str(condarc), "XDG_CONFIG_HOME": str(xdg_home / "config")}
    for args in (("detect", "--json"), ("detect",)):
        result = cli(*args, cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert CONDA_TOKEN not in result.stdout + result.stderr
    report = cli("detect", "--json", cwd=tmp_path, env=env).stdout
    assert "https://conda.anaconda.org/t/***/private" in report
