"""`~name/...` in a path option, for a user this system does not have: a usage error (exit 2) that names the option
and says there is no such user, in the words answers files use for it. Found in review: it stayed as written and
was then "file not found", as if the file were missing. The real CLI."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("words", [("plan", "--answers"), ("install", "--answers"), ("verify", "--python"),
                                   ("doctor", "--python"), ("bench", "--python"), ("detect", "--python"),
                                   ("recommend", "--hardware"), ("--hardware",), ("--answers",),
                                   ("mirrors", "--catalog"), ("answers", "check")])
def test_a_home_of_no_user_is_a_usage_error(cli, words):
    r = cli(*words, "~nosuchuser/x")
    assert r.returncode == 2, r.stdout + r.stderr
    option = words[-1] if words[-1].startswith("--") else "F"
    assert (f"error: argument {option}: no user 'nosuchuser' for ~nosuchuser; write the full path "
            f"(/home/nosuchuser/x), or ~/x for a path in your own home\n") in r.stderr, r.stderr
    assert "not found" not in r.stderr and "Traceback" not in r.stderr


def test_in_chinese(cli):
    r = cli("--lang", "zh", "plan", "--answers", "~nosuchuser/x")
    assert r.returncode == 2
    assert "参数 --answers：没有用户 'nosuchuser'，无法展开 ~nosuchuser；请写完整路径（/home/nosuchuser/x）" in r.stderr, r.stderr


def test_a_user_that_exists_is_still_their_home(cli):
    r = cli("plan", "--answers", "~root/no-such-answers.yaml")
    assert r.returncode == 2
    assert "/root/no-such-answers.yaml" in r.stderr and "no user" not in r.stderr, r.stderr
