"""Wrong inputs as a newcomer makes them, through the real `torch-setup` in a subprocess.

Each case: exit 2, the first line of stderr names the file, the line and the key, the hint says what
to do next, no traceback, nothing on stdout, and nothing created: not in the working folder, not in the
XDG folders (journal, logs, cache). `install --yes` is the command under test where it matters most: it
must refuse before detection, let alone before a step.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CPU_ONLY = REPO / "tests" / "fixtures" / "machines" / "cpu-only.json"
GOOD = "version: 1\ntorch:\n  version: 2.13.0\n  variant: cpu\n  extras: []\n"


def _tree(*roots: Path) -> list[str]:
    return sorted(str(p) for root in roots for p in root.rglob("*"))


# (file content, line, key or None, words in the message, words in the hint)
CASES: dict[str, tuple[bytes, int, str | None, str, str]] = {
    "duplicate-key": (b"version: 1\nversion: 1\n", 2, None, "duplicate key 'version' (first on line 1)",
                      "keep one of the two lines (1 and 2)"),
    "tab": (b"version: 1\ntorch:\n\tversion: 2.13.0\n", 3, None, "not valid YAML", "replace the tab"),
    "empty": (b"", 1, None, "the answers file is empty", "version: 1"),
    "a-list": (b"- version: 1\n", 1, None, "mapping of keys", "no '-' in front"),
    "version-2": (b"version: 2\n", 1, "version", "unsupported answers version 2", "upgrade torch-setup"),
    "verify-yes-please": (b"version: 1\nverify: yes please\n", 2, "verify", "'yes please' is not true or false",
                          "write true or false"),
    "extras-string": (b"version: 1\ntorch:\n  extras: torchvision\n", 3, "torch.extras", "expected a list",
                      "[torchvision]"),
    "version-float": (b"version: 1\ntorch:\n  version: 2.13\n", 3, "torch.version", "2.13 is read as a number",
                      "put it in quotes"),
    "misspelt-section": (b"version: 1\ntroch:\n  version: 2.13.0\n", 2, "troch", "unknown key",
                         "did you mean torch?"),
    "misspelt-key": (b"version: 1\ntarget:\n  pth: env\n", 3, "target.pth", "unknown key",
                     "did you mean target.path?"),
    "windows-path": (b"version: 1\ntarget:\n  path: 'C:\\Users\\me\\env'\n", 3, "target.path", "Windows path",
                     ""),
    "latin-1": (b"version: 1\n# caf\xe9\n", 2, None, "byte 0xe9 is not UTF-8 text", "save the file as UTF-8"),
}


@pytest.mark.parametrize("command", ["plan", "install"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_wrong_answers_file_is_refused_naming_file_line_and_key(cli, tmp_path, xdg_home, case, command):
    content, line, key, words, hint = CASES[case]
    work = tmp_path / "work"
    work.mkdir()
    answers = work / "answers.yaml"
    answers.write_bytes(content)
    before = _tree(work, xdg_home)
    args = ["--answers", str(answers), "--hardware", str(CPU_ONLY), "--probe-timeout", "0.2"]
    result = cli(command, *args, *(["--yes"] if command == "install" else []), cwd=work, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.startswith(f"{answers}:{line}: " + (f"{key}: " if key else "")), result.stderr
    assert words in first, result.stderr
    if hint:
        assert rest and rest[0].startswith("  -> ") and hint in rest[0], result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert _tree(work, xdg_home) == before


def test_a_folder_a_missing_file_and_a_dash_each_get_their_own_hint(cli, tmp_path, xdg_home):
    (tmp_path / "answers.yml").write_text(GOOD)
    before = _tree(tmp_path, xdg_home)
    cases = [
        (str(tmp_path), "this is a folder, not a file", f"give a file in it, such as {tmp_path / 'answers.yml'}"),
        (str(tmp_path / "answers.yaml"), "file not found", f"did you mean {tmp_path / 'answers.yml'}?"),
        ("-", "torch-setup reads this from a file, not from standard input", "save it to a file"),
    ]
    for given, words, hint in cases:
        result = cli("plan", "--answers", given, "--hardware", str(CPU_ONLY), cwd=tmp_path, input=GOOD)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"{given}: {words}"), result.stderr
        assert f"  -> {hint}" in result.stderr and "Errno" not in result.stderr
    assert _tree(tmp_path, xdg_home) == before


def test_an_override_variable_is_named_and_the_message_is_in_the_users_language(cli, tmp_path, xdg_home):
    env = {"TORCH_SETUP_DRIVER_VERSION": "abc", "SHELL": "/bin/bash"}  # bash's `unset`; fish: set -e
    result = cli("--lang", "zh", "recommend", "--hardware", str(CPU_ONLY), env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("环境变量: TORCH_SETUP_DRIVER_VERSION: 无效的值 'abc'"), result.stderr
    assert "unset TORCH_SETUP_DRIVER_VERSION" in result.stderr
    result = cli("recommend", "--hardware", str(CPU_ONLY), env=env, cwd=tmp_path)
    assert result.stderr.startswith("environment: TORCH_SETUP_DRIVER_VERSION: invalid value 'abc'")


def test_a_recipe_with_a_misspelt_name_suggests_the_right_one(cli, tmp_path):
    recipe = (REPO / "recipes" / "pip.yaml").read_text()
    cases = {
        "template": (recipe.replace("${target.path}", "${target.pth}", 1), "did you mean ${target.path}?"),
        "condition": (recipe.replace('target.kind == "venv"', 'target.knd == "venv"'), "did you mean target.kind?"),
        "unquoted": (recipe.replace('target.kind == "venv"', "target.kind == venv"), 'put it in quotes: "venv"'),
        "step-key": (recipe.replace("timeout: 300", "timout: 300"), "did you mean steps[0].timeout?"),
        "kind": (recipe.replace("kind: pip", "kind: pipp", 1), "did you mean 'pip'?"),
    }
    for name, (text, words) in cases.items():
        f = tmp_path / f"{name}.yaml"
        f.write_text(text)
        result = cli("recipes", "validate", str(f))
        assert result.returncode == 2, name
        assert result.stderr.startswith(f"{f}:") and words in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
