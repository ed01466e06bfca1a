"""A mirror URL whose token comes from the environment, through the real CLI: `answers check` and `plan`
take it, the plan's script shows `***` where the token goes (the token only with --show-secrets), and an
unset variable is refused naming the file, the line, the key and the variable."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"
TOKEN = "t0k3n-Zq9-lab"
FLEET = ("version: 1\ntorch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n"
         "mirror:\n  pypi: 'https://admin:${PYPI_TOKEN}@pypi.lab.example/simple'\n  pytorch: none\n")
ARGS = ("--hardware", str(CPU_ONLY), "--probe-timeout", "0.2")


def test_the_token_is_read_and_never_printed(cli, tmp_path):
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(FLEET)
    env = {"PYPI_TOKEN": TOKEN}
    checked = cli("answers", "check", str(fleet), *ARGS, env=env, timeout=120)
    assert (checked.returncode, checked.stdout) == (0, f"{fleet}: ok\n"), checked.stderr
    plan = cli("plan", "--answers", str(fleet), *ARGS, env=env, timeout=120)
    assert plan.returncode == 0, plan.stderr
    assert "https://***@pypi.lab.example/simple" in plan.stdout
    assert TOKEN not in plan.stdout + plan.stderr and "${PYPI_TOKEN}" not in plan.stdout
    shown = cli("plan", "--answers", str(fleet), *ARGS, "--show-secrets", env=env, timeout=120)
    assert f"https://admin:{TOKEN}@pypi.lab.example/simple" in shown.stdout


def test_an_unset_variable_is_refused_naming_it(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("PYPI_TOKEN", raising=False)  # the CLI's environment is this one's
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(FLEET)
    for command in (("answers", "check", str(fleet)), ("plan", "--answers", str(fleet))):
        result = cli(*command, *ARGS, timeout=120)
        assert result.returncode == 2, result.stdout + result.stderr
        first, hint = result.stderr.splitlines()[:2]
        assert first == f"{fleet}:7: mirror.pypi: $PYPI_TOKEN is not set in the environment"
        assert "export PYPI_TOKEN=" in hint and "Traceback" not in result.stderr
