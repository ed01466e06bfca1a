"""`torch-setup plan` for a conda environment whose conda-forge mirror carries a token in its path
(mirror.conda: https://conda.anaconda.org/t/TOKEN/conda-forge): the script shows `/t/***/`, and with
--show-secrets the token is in bash assignments of CONDA_CHANNEL_ALIAS and MAMBA_CHANNEL_ALIAS before the
engine, never one of the engine's arguments, which name the channel (`--override-channels -c conda-forge`)
so that no channel of the person's .condarc files is searched."""

from __future__ import annotations

import shlex
import subprocess

TOKEN = "ab-9f1c2d3e-4b5a-6789-0abc-def012345678"


def _answers(folder) -> None:
    (folder / "conda.yaml").write_text(
        "version: 1\nmethod: conda\ntarget: {kind: conda, path: .conda-torch}\n"
        "torch: {version: 2.13.0, variant: cpu, extras: []}\n"
        f"mirror: {{conda: 'https://conda.anaconda.org/t/{TOKEN}/conda-forge'}}\nverify: false\n")


def _engine_lines(script: str) -> list[list[str]]:
    """The engine's commands, as bash would split them: [assignments..., engine, args...]."""
    out = []
    for line in script.splitlines():
        words = shlex.split(line.strip()) if " -y -p " in line else []
        if words and any(w.endswith("/bin/conda") for w in words):
            out.append(words)
    return out


def test_the_plan_hides_the_channel_token(cli, tmp_path, xdg_home):
    _answers(tmp_path)
    result = cli("plan", "--answers", "conda.yaml", "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    script = result.stdout
    assert TOKEN not in script
    assert subprocess.run(["bash", "-n"], input=script, text=True).returncode == 0
    assert any("--show-secrets" in line and "***" in line for line in script.splitlines()[:4])
    engine = _engine_lines(script)
    assert len(engine) == 2  # create, install
    for words in engine:
        assert "CONDA_CHANNEL_ALIAS=https://conda.anaconda.org/t/***" in words
        assert "MAMBA_CHANNEL_ALIAS=https://conda.anaconda.org/t/***" in words
        at = words.index("-c")
        assert words[at + 1] == "conda-forge" and "--override-channels" in words
    assert any(line.startswith("# note: ") and "CONDA_CHANNEL_ALIAS" in line for line in script.splitlines())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["conda.yaml", "home"]  # the plan made nothing


def test_show_secrets_gives_the_token_to_the_engine_s_environment_only(cli, tmp_path, xdg_home):
    _answers(tmp_path)
    result = cli("plan", "--answers", "conda.yaml", "--probe-timeout", "0.2", "--show-secrets", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert subprocess.run(["bash", "-n"], input=result.stdout, text=True).returncode == 0
    engine = _engine_lines(result.stdout)
    assert len(engine) == 2
    for words in engine:
        at = next(i for i, w in enumerate(words) if w.endswith("/bin/conda"))
        assert f"CONDA_CHANNEL_ALIAS=https://conda.anaconda.org/t/{TOKEN}" in words[:at]
        assert f"MAMBA_CHANNEL_ALIAS=https://conda.anaconda.org/t/{TOKEN}" in words[:at]
        assert all("=" in w for w in words[:at])  # bash assignments: no `env` process whose argv would show it
        assert not any(TOKEN in w for w in words[at:]), words[at:]
