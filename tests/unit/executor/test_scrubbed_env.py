"""What the steps' environment keeps of the user's: the network settings they chose on purpose (uv's and
pip's retries and timeouts, proxies), and nothing else of theirs."""

from __future__ import annotations

from installer.executor.environment import scrubbed


def test_the_users_retry_and_timeout_settings_reach_uv_and_pip():
    # found against a mirror answering 503: a UV_HTTP_RETRIES the user had set was dropped on the way,
    # so uv retried three times anyway
    user = {"UV_HTTP_RETRIES": "0", "UV_HTTP_TIMEOUT": "5", "PIP_RETRIES": "1", "PIP_DEFAULT_TIMEOUT": "20",
            "https_proxy": "http://proxy:3128", "AWS_SECRET_ACCESS_KEY": "x", "LD_PRELOAD": "/tmp/evil.so"}
    env = scrubbed(user)
    for name in ("UV_HTTP_RETRIES", "UV_HTTP_TIMEOUT", "PIP_RETRIES", "PIP_DEFAULT_TIMEOUT", "https_proxy"):
        assert env[name] == user[name]
    assert "AWS_SECRET_ACCESS_KEY" not in env and "LD_PRELOAD" not in env
