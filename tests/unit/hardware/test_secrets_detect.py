"""Passwords and tokens in the package sources a machine is configured with (pip.conf, PIP_* variables,
uv.toml, .condarc, proxies) never reach what detect, doctor and recommend print: `***@` stands for them."""

from __future__ import annotations

import json
import sys

import pytest

from installer.redaction import hidden_credentials, redact_data, redact_text

PASSWORD, TOKEN, CONDA_PW, UV_PW, PROXY_PW = "s3cret-Pa55", "tok3n-2f9c1d", "c0nda-pw", "uv-pw-77", "pr0xy-pw"
SECRETS = (PASSWORD, TOKEN, CONDA_PW, UV_PW, PROXY_PW)


@pytest.mark.parametrize("text, shown", [
    ("--index-url https://bob:s3cret@host/simple --x", "--index-url https://***@host/simple --x"),
    ("'https://TOKEN@host:8443/simple'", "'https://***@host:8443/simple'"),
    ("a http://u:p@[::1]:9/x, then https://v:q@h2/y.", "a http://***@[::1]:9/x, then https://***@h2/y."),
    ("Looking in indexes: http://bob:****@127.0.0.1:8765/simple", "Looking in indexes: http://***@127.0.0.1:8765/simple"),
    ("mail bob@example.com, https://host/pkg@1.0 and /opt/wheels", "mail bob@example.com, https://host/pkg@1.0 and /opt/wheels"),
])
def test_redact_text_hides_every_user_part_and_nothing_else(text, shown):
    assert redact_text(text) == shown


def test_redact_data_walks_a_document():
    doc = {"a": ["https://u:p@h/x", 1, None, {"b": "https://T@h/y"}], "c": True}
    assert redact_data(doc) == {"a": ["https://***@h/x", 1, None, {"b": "https://***@h/y"}], "c": True}
    assert hidden_credentials("https://***@h/x") and not hidden_credentials("https://bob@h/x")


@pytest.fixture
def configured(tmp_path, xdg_home) -> dict[str, str]:
    """pip.conf, uv.toml and a .condarc with credentials, and the variables that name them."""
    pip_conf = tmp_path / "pip.conf"
    pip_conf.write_text(f"[global]\nindex-url = https://bob:{PASSWORD}@idx.example/simple\n")
    uv = xdg_home / "config" / "uv"
    uv.mkdir(parents=True)
    (uv / "uv.toml").write_text(f'[[index]]\nurl = "https://alice:{UV_PW}@uv.example/simple"\ndefault = true\n')
    condarc = tmp_path / "conda" / ".condarc"
    condarc.parent.mkdir()
    condarc.write_text(f"channels:\n  - https://carol:{CONDA_PW}@conda.example/conda-forge\n")
    return {"PIP_CONFIG_FILE": str(pip_conf), "PIP_EXTRA_INDEX_URL": f"https://{TOKEN}@tok.example/simple",
            "XDG_CONFIG_HOME": str(xdg_home / "config"), "CONDARC": str(condarc),
            "https_proxy": f"http://px:{PROXY_PW}@proxy.example:3128"}


def test_detect_json_and_summary_hide_them(cli, tmp_path, configured):
    result = cli("detect", "--json", cwd=tmp_path, env=configured)
    assert result.returncode == 0, result.stderr
    assert not any(s in result.stdout for s in SECRETS)
    mc = json.loads(result.stdout)["mirror_config"]
    assert mc["pip"]["index_url"] == "https://***@idx.example/simple"
    assert mc["pip"]["extra_index_urls"] == ["https://***@tok.example/simple"]
    assert mc["uv"]["index_url"] == "https://***@uv.example/simple"
    assert mc["conda"]["channels"][0] == "https://***@conda.example/conda-forge"

    summary = cli("detect", cwd=tmp_path, env=configured)
    assert summary.returncode == 0, summary.stderr
    assert not any(s in summary.stdout for s in SECRETS)
    sources = next(line for line in summary.stdout.splitlines() if line.startswith("pip sources:"))
    assert sources.split(maxsplit=2)[2] == "https://***@idx.example/simple, https://***@tok.example/simple, /opt/wheels"


def test_a_report_loaded_back_is_shown_redacted_too(cli, tmp_path, configured):
    """A report saved by an older torch-setup still holds them: loading it with --hardware shows none."""
    saved = json.loads(cli("detect", "--json", cwd=tmp_path, env=configured).stdout)
    saved["mirror_config"]["pip"]["index_url"] = f"https://bob:{PASSWORD}@idx.example/simple"
    (tmp_path / "old.json").write_text(json.dumps(saved))
    result = cli("--hardware", "old.json", "detect", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout and "https://***@idx.example/simple" in result.stdout


def test_doctor_and_recommend_show_none(cli, tmp_path, configured):
    doctor = cli("doctor", "--json", "--python", sys.executable, "--timeout", "60", cwd=tmp_path, env=configured)
    assert doctor.stdout, doctor.stderr
    assert not any(s in doctor.stdout for s in SECRETS)
    assert json.loads(doctor.stdout)["hardware"]["mirror_config"]["pip"]["index_url"] == "https://***@idx.example/simple"
    for args in (("doctor", "--python", sys.executable, "--timeout", "60"), ("recommend", "--json"), ("recommend",)):
        result = cli(*args, cwd=tmp_path, env=configured)
        assert "Traceback" not in result.stderr
        assert not any(s in result.stdout + result.stderr for s in SECRETS), args
