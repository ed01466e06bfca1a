"""Answers v1: every key documented, unknown keys and bad values refused with file, line and key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from installer.answers import Answers, answers_schema, dump_answers, load_answers, parse_answers
from installer.errors import InputError

REPO = Path(__file__).resolve().parents[3]
EXAMPLE = REPO / "recipes" / "answers" / "cpu-venv.yaml"


def _error(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_answers(text, "a.yaml")
    return info.value


def test_example_is_torch_2_13_cpu_in_a_relative_venv():
    a = load_answers(EXAMPLE)
    assert (a.torch.version, a.torch.variant, a.torch.extras) == ("2.13.0", "cpu", [])
    assert a.target.kind == "venv" and not a.target.path.startswith(("/", "~"))
    assert a.verify is True and a.method == "pip"


def test_defaults_are_valid_and_round_trip():
    a = Answers()
    assert a.torch.version == "latest" and a.torch.variant == "auto"
    assert parse_answers(dump_answers(a)) == a
    b = load_answers(EXAMPLE)
    assert parse_answers(dump_answers(b)) == b


def _properties(schema: dict, node: dict, path: str = "") -> list[tuple[str, dict]]:
    out = []
    for name, prop in node.get("properties", {}).items():
        out.append((path + name, prop))
        ref = prop.get("$ref") or (prop.get("anyOf") or [{}])[0].get("$ref")
        if ref:
            out += _properties(schema, schema["$defs"][ref.split("/")[-1]], path + name + ".")
    return out


def test_every_key_is_documented_with_its_default():
    schema = answers_schema()
    props = _properties(schema, schema)
    assert len(props) > 25
    for name, prop in props:
        assert prop.get("description"), f"{name} has no description"
    leaves = [(n, p) for n, p in props if "$ref" not in p and n != "version"]
    for name, prop in leaves:
        assert "default" in prop.get("description", "").lower(), f"{name}: the description does not say the default"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("text, line, key", [
    ("version: 1\nbogus: 1\n", 2, "bogus"),
    ("version: 1\ntarget:\n  kind: venv\n  pth: x\n", 4, "target.pth"),
    ("torch:\n  version: \"2.13.0; touch /tmp/x\"\n", 2, "torch.version"),
    ("torch:\n  version: \"$(reboot)\"\n", 2, "torch.version"),
    ("torch:\n  version: 2.13.0+cpu\n", 2, "torch.version"),
    ("torch:\n  variant: \"cu126 && id\"\n", 2, "torch.variant"),
    ("torch:\n  extras: [torchvision, torchtext]\n", 2, "torch.extras[1]"),
    ("torch:\n  extras: [torchvision, torchvision]\n", 2, "torch.extras"),
    ("target:\n  path: \"a\\nb\"\n", 2, "target.path"),
    ("target:\n  path: \"-rf\"\n", 2, "target.path"),
    ("target:\n  python: \"python; id\"\n", 2, "target.python"),
    ("target:\n  kind: existing\n", 2, "target.kind"),
    ("mirror:\n  pypi: \"http://x y\"\n", 2, "mirror.pypi"),
    ("version: 2\n", 1, "version"),
    ("method: wheel\n", 1, "method"),
])
def test_bad_values_name_file_line_and_key(text, line, key):
    err = _error(text)
    assert err.file == "a.yaml"
    assert err.line == line
    assert err.key == key
    assert "Value error" not in err.render()


@pytest.mark.parametrize("method", ["pip", "wheel"])
def test_a_conda_target_needs_the_conda_method(method):
    """The pip and wheel recipes make venvs: with a conda target their plan had no step, and verify failed."""
    extra = "wheelhouse: /media/usb/wh\n" if method == "wheel" else ""
    err = _error(f"version: 1\nmethod: {method}\ntarget:\n  kind: conda\n  path: env\n{extra}")
    assert (err.line, err.key) == (4, "target.kind")
    assert err.message == (f"target.kind is conda, which only method: conda makes, and method is {method}: set "
                           "method: conda, or target.kind: venv")
    for fine in ("method: conda\ntarget:\n  kind: conda\n", "method: wheelhouse-build\nwheelhouse: wh\ntarget:\n  kind: conda\n"):
        parse_answers("version: 1\n" + fine, "a.yaml")


def test_the_conda_method_makes_a_conda_environment():
    """Found in use: `method: conda` with the default kind (venv) planned a conda environment whose summary said
    `python: <torch-setup's own>` and "Python 3.11 has wheels for torch". Left out, the kind follows the method;
    a venv asked for is refused, with the line."""
    assert parse_answers("version: 1\nmethod: conda\n", "a.yaml").target.kind == "conda"
    given = parse_answers("version: 1\nmethod: conda\ntarget:\n  path: envs/c\n", "a.yaml").target
    assert (given.kind, given.path) == ("conda", "envs/c")
    assert parse_answers("version: 1\nmethod: conda\ntarget:\n  kind: existing\n  python: /e/bin/python\n",
                         "a.yaml").target.kind == "existing"
    assert parse_answers("version: 1\ntarget:\n  path: envs/c\n", "a.yaml").target.kind == "venv"  # pip's
    err = _error("version: 1\nmethod: conda\ntarget:\n  kind: venv\n  path: envs/c\n")
    assert (err.file, err.line, err.key) == ("a.yaml", 4, "target.kind")
    assert err.message == ("target.kind is venv, and method: conda makes a conda environment, not a venv: set "
                           "target.kind: conda (the same folder), or method: pip")


def test_broken_yaml_names_the_line():
    err = _error("version: 1\ntorch:\n  version: [2.13.0\n")
    assert err.file == "a.yaml" and err.line is not None and "YAML" in err.message


def test_versions_and_paths_that_are_fine():
    a = parse_answers("target:\n  path: ~/envs/torch 2\n  python: '3.12'\ntorch:\n  version: 2.14.1\n"
                      "  variant: rocm6.3\nmirror:\n  pypi: https://pypi.tuna.tsinghua.edu.cn/simple\n")
    assert a.target.path == "~/envs/torch 2" and a.target.python == "3.12"
    assert a.torch.variant == "rocm6.3"


def test_schema_command_prints_json_schema(cli):
    result = cli("answers", "schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert set(schema["properties"]) >= {"version", "target", "torch", "method", "mirror", "verify", "bench"}


def test_answers_check_command(cli, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(EXAMPLE.read_text())
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nverify: maybe\n")
    assert cli("answers", "check", str(good)).returncode == 0
    result = cli("answers", "check", str(good), str(bad))
    assert result.returncode == 2
    assert f"{bad}:2: verify:" in result.stderr and "Traceback" not in result.stderr


def test_the_wheelhouse_build_end_is_a_method_of_its_own():
    built = parse_answers("version: 1\nmethod: wheelhouse-build\nwheelhouse: ./wh\n")
    assert built.method == "wheelhouse-build" and built.wheelhouse == "./wh"
    assert parse_answers(dump_answers(built)) == built
    err = _error("version: 1\nmethod: wheelhouse-build\n")
    assert (err.file, err.line, err.key) == ("a.yaml", 2, "method") and "give wheelhouse" in err.message
    schema = answers_schema()
    method = schema["properties"]["method"]
    assert "wheelhouse-build" in method["enum"] and "wheelhouse-build" in method["description"]
    # files written before it stay valid, meaning what they meant
    for example in sorted((REPO / "recipes" / "answers").glob("*.yaml")):
        assert load_answers(example).method in ("pip", "conda", "wheel", "wheelhouse-build")
    assert load_answers(REPO / "recipes" / "answers" / "wheelhouse-offline.yaml").method == "wheel"


# --- the wrong inputs a newcomer writes, and what they are told ------------------------------------------

def test_an_empty_file_is_refused_rather_than_taken_for_every_default():
    for text in ("", "# just a comment\n"):
        err = _error(text)
        assert (err.file, err.line) == ("a.yaml", 1)
        assert "empty" in err.message and "version: 1" in (err.hint or "")
    assert parse_answers("version: 1\n") == Answers()  # one line is enough


def test_the_version_written_as_text_says_to_drop_the_quotes():
    err = _error("version: '1'\n")
    assert (err.line, err.key) == (1, "version")
    assert "without quotes" in (err.hint or "")


def test_a_newer_version_says_to_upgrade():
    err = _error("version: 2\n")
    assert (err.line, err.key) == (1, "version") and "upgrade torch-setup" in (err.hint or "")


def test_a_list_at_the_top_says_how_to_write_keys():
    err = _error("- version: 1\n- target: {}\n")
    assert err.line == 1 and "mapping of keys" in err.message and "no '-' in front" in (err.hint or "")


@pytest.mark.parametrize("path", ["C:\\Users\\me\\torch-env", "C:/Users/me/torch-env", "D:", "envs\\torch"])
def test_a_windows_path_is_refused_with_a_linux_example(path):
    err = _error(f"target:\n  path: '{path}'\n")
    assert (err.line, err.key) == (2, "target.path")
    assert "Windows path" in err.message and "/home/me/torch-env" in err.message
    assert "\\\\" not in err.message  # shown as written, not as a Python repr


@pytest.mark.parametrize("text, line, key, words, hint", [
    ("torhc:\n  version: 2.13.0\n", 1, "torhc", "unknown key", "did you mean torch?"),
    ("torch:\n  varient: cpu\n", 2, "torch.varient", "unknown key", "did you mean torch.variant?"),
    ("cuda-toolkit:\n  install: true\n", 1, "cuda-toolkit", "unknown key", "did you mean cuda_toolkit?"),
    ("mirror:\n  pyip: auto\n", 2, "mirror.pyip", "unknown key", "did you mean mirror.pypi?"),
    ("driver:\n  kernel-modules: open\n", 2, "driver.kernel-modules", "unknown key",
     "did you mean driver.kernel_modules?"),
    ("verify: yes please\n", 1, "verify", "'yes please' is not true or false", "write true or false"),
    ("torch:\n  extras: torchvision\n", 2, "torch.extras", "expected a list", "[torchvision]"),
    ("torch:\n  extras: [torchvison]\n", 2, "torch.extras[0]", "not 'torchvison'", "did you mean 'torchvision'?"),
    ("torch:\n  version: 2.13\n", 2, "torch.version", "2.13 is read as a number", "'2.13'"),
    ("target:\n  python: 3.10\n", 2, "target.python", "3.10 is read as a number", "'3.10'"),
    ("driver:\n  branch: 550.54\n", 2, "driver.branch", "550.54 is a driver version, not a branch", "write branch: 550"),
    ("torch: 2.13.0\n", 1, "torch", "this is a section", "the keys of torch are: version, variant, extras"),
    ("torch:\n", 1, "torch", "this section is empty", "the keys of torch are"),
    ("target:\n  kind: virtualenv\n", 2, "target.kind", "not 'virtualenv'", None),
    ("mirror:\n  region: mars\n", 2, "mirror.region", "'auto', 'cn' or 'global', not 'mars'", None),
    ("mirror:\n  region: china\n", 2, "mirror.region", "'china' is not a region", "did you mean 'cn'?"),
    ("mirror:\n  region: USA\n", 2, "mirror.region", "'USA' is not a region", "did you mean 'global'?"),
])
def test_misspellings_and_wrong_types_say_what_to_write(text, line, key, words, hint):
    err = _error("version: 1\n" + text)
    assert (err.file, err.line, err.key) == ("a.yaml", line + 1, key), err.render()
    assert words in err.message, err.render()
    assert "valid" not in err.message and "TorchChoice" not in err.render()
    if hint:
        assert hint in (err.hint or ""), err.render()


def test_messages_and_hints_speak_chinese():
    from installer.i18n import set_language

    try:
        set_language("zh")
        err = _error("version: 1\ntorhc: 1\n")
        assert err.message == "未知的键" and err.hint == "你是不是想写 torch？"
    finally:
        set_language("en")


# ------------------------------------------------ an answers file with several mistakes names each
SEVERAL = """\
version: 1
target:
  kind: vnev
torch:
  version: "2.13.0; touch /tmp/x"
  colour: red
mirror: {pypi: 3}
verify: maybe
"""


def test_each_mistake_is_named_with_its_line_and_key():
    err = _error(SEVERAL)
    # the first is named as before (what the wizard's Review and `key`/`line` readers use)
    assert (err.line, err.key) == (3, "target.kind") and "did you mean 'venv'" in (err.hint or "")
    assert [(e.line, e.key) for e in err.also] == [(5, "torch.version"), (6, "torch.colour"), (7, "mirror.pypi"),
                                                  (8, "verify")]
    lines = err.render().splitlines()
    assert [line for line in lines if not line.startswith("  -> ")] == [
        "a.yaml:3: target.kind: Input should be 'venv', 'conda' or 'existing', not 'vnev'",
        "a.yaml:5: torch.version: '2.13.0; touch /tmp/x' is not a version (write it like 2.13.0)",
        "a.yaml:6: torch.colour: unknown key",
        "a.yaml:7: mirror.pypi: 3 is read as a number here, not as text",
        "a.yaml:8: verify: 'maybe' is not true or false",
    ]
    assert "more problem" not in err.render()


def test_a_file_of_mistakes_shows_ten_and_counts_the_rest():
    keys = "\n".join(f"  colour{i}: red" for i in range(12))
    err = _error(f"version: 1\ntorch:\n{keys}\n")
    assert len(err.also) == 9
    assert err.message.endswith("(and 2 more problems)")
    assert [e.line for e in (err, *err.also)] == list(range(3, 13))


def test_a_section_that_failed_for_what_is_in_it_is_not_a_mistake_of_its_own():
    err = _error("version: 1\ntorch:\n  colour: red\n")
    assert (err.key, err.also) == ("torch.colour", ())


def test_the_cli_prints_every_mistake_and_changes_nothing(cli, tmp_path):
    (tmp_path / "a.yaml").write_text(SEVERAL)
    result = cli("plan", "--answers", "a.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for line in (3, 5, 6, 7, 8):
        assert f"a.yaml:{line}: " in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_the_allowed_values_are_listed_in_the_chosen_language():
    from installer.i18n import set_language

    assert _error("version: 1\nbench: true\n").message == "Input should be 'none', 'quick' or 'full', not true"
    set_language("zh")
    try:
        assert _error("version: 1\nbench: true\n").message == "应为 none、quick 或 full，而不是 true"  # 、 not ", "
    finally:
        set_language("en")


@pytest.mark.parametrize("written", ["580.65", "'580.65'", "'580.65.06'", "\"580.65\""])
def test_a_driver_version_written_as_the_branch_names_the_branch(written):
    """`branch: 580.65` was taken and planned as branch 580 under a step titled "Driver branch 580.65", and
    the unquoted one was told to put it in quotes, which led there: a branch is the version's first number."""
    err = _error(f"version: 1\ndriver:\n  install: true\n  branch: {written}\n")
    assert (err.file, err.line, err.key) == ("a.yaml", 4, "driver.branch"), err.render()
    assert "driver's first number" in err.message and "580 for driver 580.65.06" in err.message, err.render()
    assert err.hint == "write branch: 580 (or latest)" and "quotes" not in err.render()


def test_a_branch_written_as_a_number_with_no_fraction_is_the_branch():
    assert parse_answers("version: 1\ndriver:\n  branch: 580.0\n").driver.branch == "580"
    assert "quotes" not in _error("version: 1\ndriver:\n  branch: 5.8\n").render()


def test_the_cli_refuses_a_driver_version_for_the_branch(cli, tmp_path):
    (tmp_path / "a.yaml").write_text("version: 1\ndriver:\n  install: true\n  branch: 580.65\n")
    result = cli("answers", "check", "a.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "a.yaml:4: driver.branch: 580.65 is a driver version" in result.stderr
    assert "write branch: 580" in result.stderr and "quotes" not in result.stderr


def test_a_driver_branch_written_as_a_whole_number_is_taken():
    """`branch: 580` is how admins write it, and a whole number cannot be misread (unlike 2.10 -> 2.1)."""
    assert parse_answers("version: 1\ndriver:\n  install: true\n  branch: 580\n", "a.yaml").driver.branch == "580"
    assert _error("version: 1\ndriver:\n  branch: true\n").key == "driver.branch"


def test_a_value_in_the_wrong_case_is_named_in_the_right_one():
    err = _error("version: 1\nmethod: PIP\n")
    assert (err.key, err.hint) == ("method", "did you mean 'pip'?")
