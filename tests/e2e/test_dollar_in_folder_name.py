"""A folder whose name holds a `$` is written with `$$` in an answers file, as in Makefiles and docker-compose.

Found in use: `path: "~/d/it's $x/env"` was refused as "$x is not set in the environment -> ... or write the
path out in full" (it was written in full), and `$$x` gave the same error. The real command line: a plan and
an install into such a folder, with a variable of that name set to show that it is not read.
"""

from __future__ import annotations

from pathlib import Path

ANSWERS = ("version: 1\ntarget:\n  kind: venv\n  path: \"{path}\"\ntorch:\n  version: 2.13.0\n  variant: cpu\n"
           "  extras: []\nmethod: pip\nverify: false\n")


def _work(tmp_path: Path, path: str) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.yaml").write_text(ANSWERS.format(path=path))
    return work


def test_install_into_a_folder_whose_name_holds_a_dollar(cli, tmp_path, xdg_home):
    folder = tmp_path / "d" / "it's $x"
    folder.mkdir(parents=True)
    work = _work(tmp_path, f"{tmp_path}/d/it's $$x/env")
    result = cli("install", "--answers", "a.yaml", "--yes", "--probe-timeout", "0.2", cwd=work,
                 env={"x": "not-this"}, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (folder / "env" / "bin" / "python").exists()
    assert not (tmp_path / "d" / "it's not-this").exists() and sorted(p.name for p in folder.iterdir()) == ["env"]
    assert f"Create the virtual environment {folder}/env" in result.stdout


def test_plan_of_a_relative_folder_with_dollars(cli, tmp_path, xdg_home):
    work = _work(tmp_path, "$$HOME/$${x}")
    result = cli("plan", "--answers", "a.yaml", "--probe-timeout", "0.2", cwd=work, env={"x": "not-this"})
    assert result.returncode == 0, result.stderr
    assert f"#   target: {work}/$HOME/${{x}}\n" in result.stdout


def test_a_lone_dollar_of_a_name_says_how_to_write_it(cli, tmp_path, xdg_home):
    work = _work(tmp_path, "~/d/it's $torch_setup_unset_x/env")
    result = cli("plan", "--answers", "a.yaml", "--probe-timeout", "0.2", cwd=work)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines() == [
        "a.yaml:4: target.path: $torch_setup_unset_x is not set in the environment",
        "  -> set it (export torch_setup_unset_x=...) before running torch-setup, or write $$ for a $ that is part "
        "of the name: ~/d/it's $$torch_setup_unset_x/env",
    ]
