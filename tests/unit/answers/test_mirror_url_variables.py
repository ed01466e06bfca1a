"""$NAME and ${NAME} in a mirror URL are read from the environment, as in target.path: an admin keeps an
index token out of a file twenty machines share. Found in use: https://admin:${PYPI_TOKEN}@host/simple,
with PYPI_TOKEN set, was refused as "'https://***@host/simple' is not ... an http(s):// URL". Whatever
refuses a URL written https://, the message names the real problem."""

from __future__ import annotations

import pytest

from installer.answers import mirror_problem, parse_answers
from installer.errors import InputError

TOKEN = "t0k3n-Zq9"


def _file(url: str) -> str:
    return f"version: 1\nmirror:\n  pypi: '{url}'\n"


def _refused(url: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_answers(_file(url), "s2.yaml")
    err = caught.value
    assert (err.file, err.line, err.key, err.exit_code) == ("s2.yaml", 3, "mirror.pypi", 2)
    assert "http(s):// URL" not in err.message  # it starts with https://: the message says what is wrong
    return err


@pytest.mark.parametrize("written", ["https://admin:${PYPI_TOKEN}@pypi.lab.example/simple",
                                     "https://admin:$PYPI_TOKEN@pypi.lab.example/simple"])
def test_a_token_from_the_environment_is_read_into_the_url(monkeypatch, written):
    monkeypatch.setenv("PYPI_TOKEN", TOKEN)
    answers = parse_answers(_file(written), "s2.yaml")
    assert answers.mirror.pypi == f"https://admin:{TOKEN}@pypi.lab.example/simple"
    assert mirror_problem(written) is None  # the wizard's field takes it too


def test_an_unset_variable_is_named_with_file_line_and_key(monkeypatch):
    monkeypatch.delenv("PYPI_TOKEN", raising=False)
    err = _refused("https://admin:${PYPI_TOKEN}@pypi.lab.example/simple")
    assert err.message == "$PYPI_TOKEN is not set in the environment"
    assert err.hint and "export PYPI_TOKEN=" in err.hint


@pytest.mark.parametrize("token, says", [
    ("a b", "$PYPI_TOKEN holds ' ', which a URL cannot hold"),
    ("ab/cd==", "$PYPI_TOKEN holds '/', which ends the URL's host part there"),  # base64 holds '/'
])
def test_a_variable_that_breaks_the_url_is_named(monkeypatch, token, says):
    monkeypatch.setenv("PYPI_TOKEN", token)
    err = _refused("https://admin:${PYPI_TOKEN}@pypi.lab.example/simple")
    assert says in err.message and "percent-encode it in the variable" in (err.hint or "")
    assert token not in err.render()


@pytest.mark.parametrize("url, says", [
    ("https://pypi.example.org/a b", "a URL cannot hold ' '"),
    ("https://pypi.example.org/$(id)", "a URL cannot hold '$'"),
    ("https://", "the URL names no host"),
    ("https:///simple", "the URL names no host"),
])
def test_a_refused_https_url_is_told_what_is_wrong(url, says):
    assert says in _refused(url).message

