"""`torch-setup mirrors` when this machine's pip uses a password-protected index (a real one on 127.0.0.1):
the probe logs in with the configured credentials, and neither the table nor --json shows them."""

from __future__ import annotations

import json

import pytest
from helpers import TESTS, load_module

server = load_module(TESTS / "e2e" / "test_secrets_index_server.py", "secrets_index_server")
mirror_servers = load_module(TESTS / "unit" / "mirrors" / "mirror_servers.py")
PASSWORD = server.PASSWORD


@pytest.fixture
def setup(tmp_path, xdg_home):
    index = server.AuthIndex(server.tiny_index(tmp_path / "index", "sympy", "1.14.0"))
    public = mirror_servers.pypi_index(mirror_servers.Mirror("public")).start()
    catalog = mirror_servers.write_catalog(
        tmp_path / "catalog.yaml", {"pypi": {"upstream_hosts": [public.netloc], "probe_project": "sympy"}},
        [{"id": "loop-pypi", "kind": "pypi", "name": "Loopback PyPI", "url": f"{public.base}/simple",
          "region": "global", "upstream": True, "source": "a server on 127.0.0.1"}])

    def env(password: str) -> dict[str, str]:
        conf = tmp_path / ("pip.conf" if password == PASSWORD else "pip-wrong.conf")
        conf.write_text(f"[global]\nindex-url = {index.url(password=password)}\n")
        return {"PIP_CONFIG_FILE": str(conf), "XDG_CONFIG_HOME": str(xdg_home / "config")}

    yield index, catalog, env
    index.stop()
    public.stop()


def test_mirrors_json_and_table_hide_the_password(cli, tmp_path, setup):
    index, catalog, env = setup
    args = ("--catalog", str(catalog), "--kind", "pypi", "--region", "global", "--timeout", "5")
    result = cli("mirrors", "--json", *args, cwd=tmp_path, env=env(PASSWORD))
    assert PASSWORD not in result.stdout + result.stderr
    doc = json.loads(result.stdout)
    shown = f"http://***@127.0.0.1:{index.port}/simple"
    assert doc["current"]["pip"]["index_url"] == shown
    mine = next(m for m in doc["mirrors"] if m["id"] == "current-pip")
    assert mine["url"] == shown and mine["current"] is True
    assert index.authorized("/simple/sympy/")  # the probe did log in with the configured password

    table = cli("mirrors", *args, cwd=tmp_path, env=env(PASSWORD))
    assert PASSWORD not in table.stdout + table.stderr
    assert "current-pip*" in table.stdout
    assert f"pip {shown}" in table.stdout  # "Configured here and kept unless you choose otherwise: ..."


def test_a_refused_password_is_not_quoted_in_the_reason(cli, tmp_path, setup):
    index, catalog, env = setup
    wrong = "wr0ng-pa55"
    args = ("--catalog", str(catalog), "--kind", "pypi", "--region", "global", "--timeout", "5")
    for extra in ((), ("--json",)):
        result = cli("mirrors", *extra, *args, cwd=tmp_path, env=env(wrong))
        assert wrong not in result.stdout + result.stderr
        assert f"http://***@127.0.0.1:{index.port}/simple" in result.stdout
    doc = json.loads(result.stdout)
    mine = next(m for m in doc["mirrors"] if m["id"] == "current-pip")
    assert mine["ok"] is False and mine["reason"]
