"""Hiding a URL's user part takes the user part and nothing else: what follows the @ stays as written.

A URL found in free text runs up to the next blank, so the colon that ends "https://bob:pw@: not an
http(s) URL" was taken for an empty port and dropped with the credential.
"""

from __future__ import annotations

import pytest

from installer.errors import InputError
from installer.mirrors.urls import check_url
from installer.redaction import redact, redact_text

PW = "pw-7f3a"


@pytest.mark.parametrize("url, shown", [
    (f"https://bob:{PW}@", "https://***@"),  # no host at all
    (f"https://bob:{PW}@:", "https://***@:"),  # an empty port
    (f"https://bob:{PW}@:99x", "https://***@:99x"),  # a port that is no number
    (f"https://bob:{PW}@/simple", "https://***@/simple"),
    (f"https://bob:{PW}@idx.example", "https://***@idx.example"),
    (f"https://bob:{PW}@idx.example:8443/simple/", "https://***@idx.example:8443/simple/"),
    (f"https://bob:{PW}@Idx.Example/Simple", "https://***@Idx.Example/Simple"),  # capitals stay
    (f"https://bob:{PW}@[::1]:8080/x", "https://***@[::1]:8080/x"),
    (f"https://bob:{PW}@idx.example/simple?", "https://***@idx.example/simple?"),
    ("https://TOKEN123@idx.example/simple", "https://***@idx.example/simple"),
    (f"https://a@b:{PW}@idx.example/x", "https://***@idx.example/x"),  # up to the last @ of the host part
    (f"https://bob:{PW}@[::1/x", "https://***@[::1/x"),  # urllib refuses it: taken apart by hand
    ("https://idx.example/simple", "https://idx.example/simple"),
])
def test_only_the_user_part_goes(url, shown):
    assert redact(url) == shown
    assert PW not in redact(url)


@pytest.mark.parametrize("text, shown", [
    # what an error says after the URL: the colon, a comma, a closing quote stay where they were
    (f"https://bob:{PW}@: not an http(s) URL", "https://***@: not an http(s) URL"),
    (f"https://bob:{PW}@host: not an http(s) URL", "https://***@host: not an http(s) URL"),
    (f"https://bob:{PW}@host:8080/simple: refused", "https://***@host:8080/simple: refused"),
    (f"'https://bob:{PW}@': bad", "'https://***@': bad"),
    (f"https://a.example,https://carol:{PW}@: bad", "https://a.example,https://***@: bad"),
    # the same mistakes typed without a scheme, alone and in a list
    (f"bob:{PW}@: not an http(s) URL", "***@: not an http(s) URL"),
    (f"mirror bob:{PW}@ is", "mirror ***@ is"),
    (f"X=bob:{PW}@a.example:8080,carol:{PW}@b.example: bad", "X=***@a.example:8080,***@b.example: bad"),
    (f"X=bob:{PW}@,carol:{PW}@", "X=***@,***@"),
    # and what is no credential stays
    ("mail bob@example.com: sent; git@github.com:org/repo; x=1:2 @home",
     "mail bob@example.com: sent; git@github.com:org/repo; x=1:2 @home"),
])
def test_in_text_the_words_around_stay(text, shown):
    assert redact_text(text) == shown


@pytest.mark.parametrize("url, said", [
    (f"https://bob:{PW}@", "https://***@: not an http(s) URL with a host name"),
    (f"bob:{PW}@", "***@: not an http(s) URL with a host name"),
])
def test_a_mirror_url_without_a_host_is_quoted_back_without_its_password(url, said):
    with pytest.raises(InputError) as err:
        check_url(url, file="answers.yaml", line=7, key="mirrors.pypi")
    shown = err.value.render()
    assert f"answers.yaml:7: mirrors.pypi: {said}" in shown
    assert PW not in shown
