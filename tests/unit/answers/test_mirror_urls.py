"""A mirror URL in an answers file that can never work is refused when the file is read (exit 2 at
plan time, naming the line), not by a failed download halfway through an install."""

from __future__ import annotations

import pytest

from installer.answers import parse_answers
from installer.errors import InputError


@pytest.mark.parametrize("url, says", [
    ("https://bob:s3cret@", "the URL names no host"),  # an https:// URL all the same: not "not an http(s) URL"
    ("https://example.org:99999/simple", "the port is not a number from 0 to 65535"),
    ("http://example.org/simple", "plain http is refused"),
])
def test_a_mirror_url_that_cannot_work_is_refused_at_its_line(url, says):
    with pytest.raises(InputError) as caught:
        parse_answers(f"version: 1\nmirror:\n  pypi: '{url}'\n", "a.yaml")
    err = caught.value
    assert (err.file, err.line, err.key) == ("a.yaml", 3, "mirror.pypi")
    assert says in err.message and "s3cret" not in err.render()
    assert err.hint and "https://" in err.hint


@pytest.mark.parametrize("url", ["https://mirrors.aliyun.com/pypi/simple", "http://127.0.0.1:8080/simple",
                                 "https://deploy:t0ken@pypi.example.org/simple"])
def test_good_mirror_urls_pass(url):
    assert parse_answers(f"version: 1\nmirror:\n  pypi: '{url}'\n", "a.yaml").mirror.pypi == url
