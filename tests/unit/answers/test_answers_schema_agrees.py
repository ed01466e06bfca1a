"""`torch-setup answers schema` agrees with the checker: what an editor refuses against the schema, the
checker refuses (exit 2), and what the checker takes, the schema takes.

The jsonschema package is not a dependency, so the schema is applied by the small validator below: the
keywords the answers schema uses, with JSON Schema's meaning (1.0 is an integer, true is not). When node
is on the machine, every pattern is also compiled and run as ECMA-262 in unicode mode, as editors do.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from installer.answers import answers_from_located, answers_schema, load_answers
from installer.errors import InputError
from installer.yamlfile import parse_yaml

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((REPO / "recipes" / "answers").glob("*.yaml"))
SCHEMA = answers_schema()

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
_HANDLED = {"$ref", "type", "enum", "const", "pattern", "anyOf", "allOf", "if", "then", "properties",
            "additionalProperties", "required", "items", "uniqueItems", "minimum", "maximum",
            # annotations: no effect on the verdict
            "$schema", "$id", "$defs", "title", "description", "default"}


def ecma(pattern: str) -> re.Pattern[str]:
    """The pattern with ECMA-262's `$`, the very end (Python's also matches before a final newline)."""
    out, in_class, escaped = [], False, False
    for c in pattern:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c in "[]":
            in_class = c == "["
        elif c == "$" and not in_class:
            c = r"\Z"
        out.append(c)
    return re.compile("".join(out))


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1.0 is 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


def _valid(value: Any, node: dict[str, Any]) -> bool:
    assert not set(node) - _HANDLED, f"the test's validator does not know {set(node) - _HANDLED}"
    if "$ref" in node and not _valid(value, SCHEMA["$defs"][node["$ref"].split("/")[-1]]):
        return False
    checks = [
        "type" not in node or _TYPES[node["type"]](value),
        "enum" not in node or any(_same(value, e) for e in node["enum"]),
        "const" not in node or _same(value, node["const"]),
        "pattern" not in node or not isinstance(value, str) or ecma(node["pattern"]).search(value) is not None,
        "anyOf" not in node or any(_valid(value, n) for n in node["anyOf"]),
        "allOf" not in node or all(_valid(value, n) for n in node["allOf"]),
        "if" not in node or not _valid(value, node["if"]) or _valid(value, node.get("then", {})),
        _number_ok(value, node),
    ]
    return all(checks) and _object_ok(value, node) and _array_ok(value, node)


def _number_ok(value: Any, node: dict[str, Any]) -> bool:
    if not _TYPES["number"](value):
        return True
    return value >= node.get("minimum", value) and value <= node.get("maximum", value)


def _object_ok(value: Any, node: dict[str, Any]) -> bool:
    if not isinstance(value, dict):
        return True
    props = node.get("properties", {})
    if node.get("additionalProperties") is False and set(value) - set(props):
        return False
    return (all(k in value for k in node.get("required", []))
            and all(_valid(v, props[k]) for k, v in value.items() if k in props))


def _array_ok(value: Any, node: dict[str, Any]) -> bool:
    if not isinstance(value, list):
        return True
    if node.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
        return False
    return all(_valid(v, node.get("items", {})) for v in value)


def schema_takes(data: Any) -> bool:
    return _valid(data, SCHEMA)


def checker_takes(text: str) -> bool:
    """The checker's verdict by the file's rules: whether this user may write a folder (/opt/env) is not
    one of them, but this machine's (as for a recorded machine, `--hardware F`)."""
    try:
        answers_from_located(parse_yaml(text, "a.yaml"), this_machine=False)
    except InputError as exc:
        assert exc.exit_code == 2
        return False
    return True


@pytest.fixture(autouse=True)
def _somewhere_empty(tmp_path, monkeypatch):
    """The checker also looks at the folders (a file in the way): an empty working folder and home."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("TORCH_SETUP_TEST_PREFIX", str(tmp_path / "prefix"))
    monkeypatch.setenv("TORCH_SETUP_TEST_TOKEN", "t0ken")


def test_the_schema_says_what_the_checker_insists_on():
    assert SCHEMA["additionalProperties"] is False
    assert all(d.get("additionalProperties") is False for d in SCHEMA["$defs"].values())
    torch = SCHEMA["$defs"]["TorchChoice"]["properties"]
    assert "pattern" in torch["variant"] and "pattern" in torch["version"]
    branch = SCHEMA["$defs"]["Driver"]["properties"]["branch"]
    assert {"type": "integer", "minimum": 100, "maximum": 999} in branch["anyOf"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_taken_by_both(example):
    load_answers(example)
    assert schema_takes(yaml.safe_load(example.read_text()))


WRONG_FILES = {
    "variant-CPU": "version: 1\ntorch:\n  variant: CPU\n",
    "unknown-key": "version: 1\ntorch:\n  colour: red\n",
    "unknown-section": "version: 1\ntroch:\n  version: 2.13.0\n",
    "version-2": "version: 2\n",
    "version-text": "version: '1'\n",
    "version-true": "version: true\n",
    "verify-text": "version: 1\nverify: 'yes'\n",
    "verify-number": "version: 1\nverify: 1\n",
    "install-text": "version: 1\ndriver:\n  install: 'true'\n",
    "torch-version-number": "version: 1\ntorch:\n  version: 2.13\n",
    "extras-one-value": "version: 1\ntorch:\n  extras: torchvision\n",
    "extras-twice": "version: 1\ntorch:\n  extras: [torchvision, torchvision]\n",
    "extras-unknown": "version: 1\ntorch:\n  extras: [torchtext]\n",
    "section-as-value": "version: 1\ntorch: 2.13.0\n",
    "section-empty": "version: 1\ntarget:\n",
    "branch-true": "version: 1\ndriver:\n  branch: true\n",
    "branch-two-digits": "version: 1\ndriver:\n  branch: 99\n",
    "branch-four-digits": "version: 1\ndriver:\n  branch: 1000\n",
    "branch-float": "version: 1\ndriver:\n  branch: 550.54\n",
    "method-PIP": "version: 1\nmethod: PIP\n",
    "existing-without-python": "version: 1\ntarget:\n  kind: existing\n",
    "existing-with-a-version": "version: 1\ntarget:\n  kind: existing\n  python: '3.11'\n",
    "conda-target-pip-method": "version: 1\ntarget:\n  kind: conda\n",
    "conda-target-wheel-method": "version: 1\nmethod: wheel\nwheelhouse: wh\ntarget:\n  kind: conda\n",
    "wheel-without-wheelhouse": "version: 1\nmethod: wheel\n",
    "wheelhouse-build-null": "version: 1\nmethod: wheelhouse-build\nwheelhouse: null\n",
    "a-list": "- version: 1\n",
    "windows-path": "version: 1\ntarget:\n  path: 'C:\\Users\\me\\env'\n",
    "cuda-word": "version: 1\ncuda_toolkit:\n  version: newest\n",
    "region-china": "version: 1\nmirror:\n  region: china\n",
    "http-mirror": "version: 1\nmirror:\n  pypi: http://mirrors.example.com/simple\n",
    "branch-driver-version": "version: 1\ndriver:\n  branch: '580.65.06'\n",  # a version, not its branch 580
}
RIGHT_FILES = {
    "no-version": "torch:\n  variant: cpu\n",  # every key has a default, `version` too (DESIGN.md)
    "only-version": "version: 1\n",
    "version-1.0": "version: 1.0\n",  # JSON's number one, as an editor reads it
    "branch-number": "version: 1\ndriver:\n  install: true\n  branch: 580\n",
    "branch-text": "version: 1\ndriver:\n  branch: '580'\n",
    "existing-with-python": "version: 1\ntarget:\n  kind: existing\n  python: /usr/bin/python3\n",
    "existing-with-home-path": "version: 1\ntarget:\n  kind: existing\n  python: ~/proj/bin/python\n",
    "conda-both": "version: 1\nmethod: conda\ntarget:\n  kind: conda\n",
    "conda-wheelhouse-build": "version: 1\nmethod: wheelhouse-build\nwheelhouse: wh\ntarget:\n  kind: conda\n",
    "wheel-with-wheelhouse": "version: 1\nmethod: wheel\nwheelhouse: ~/wheels\n",
    "paths-with-variables": "version: 1\ntarget:\n  path: $HOME/venvs/torch\n  python: ${HOME}/bin/python3\n"
                            "cuda_toolkit:\n  prefix: $TORCH_SETUP_TEST_PREFIX/cuda\n",
    "loopback-mirror": "version: 1\nmirror:\n  pypi: http://127.0.0.1:8080/simple\n",
    "every-section": "version: 1\ntarget: {kind: venv, path: env, python: '3.12'}\n"
                     "torch: {version: 2.14.1, variant: cu126, extras: [torchvision]}\nmethod: pip\n"
                     "mirror: {region: cn, pypi: tuna-pypi, pytorch: auto, conda: none, apt: auto, scope: user}\n"
                     "driver: {install: false, branch: latest, source: nvidia-repo, kernel_modules: open}\n"
                     "cuda_toolkit: {install: false, version: '12.6', source: runfile, prefix: /opt/cuda}\n"
                     "verify: false\nbench: quick\n",
}


@pytest.mark.parametrize("name", sorted(WRONG_FILES))
def test_a_wrong_file_is_refused_by_both(name):
    text = WRONG_FILES[name]
    assert not checker_takes(text)
    assert not schema_takes(yaml.safe_load(text))


@pytest.mark.parametrize("name", sorted(RIGHT_FILES))
def test_a_right_file_is_taken_by_both(name):
    text = RIGHT_FILES[name]
    assert checker_takes(text)
    assert schema_takes(yaml.safe_load(text))


# one value at a time, where a pattern stands for a validator: (where, the values to try)
VALUES = [
    (("torch", "version"), ["2.13.0", "latest", " 2.13.0 ", "latest ", "v2.13.0", "2.13.0rc1", "2.13.0.RC1",
                            "2.13.0.post1", "2.13.0-1", "2.13.0.dev20250101", "2.13.0.DEV1", "1!2.0", "2.0a",
                            "2.13.0-rc.1", "2", "2.13.0+cpu", "2.13.0_1", "2.13.0; id", "$(reboot)", "Latest",
                            "", "2..13", "2.13.", "2.13.0 rc1", "２.13"]),
    (("torch", "variant"), ["auto", "cpu", "cu126", "cu12", "cu1260", "rocm6.3", "rocm6.3.1", "rocm6", "xpu",
                            "mps", "CPU", "cpu\n", "cu126 && id", ""]),
    (("target", "path"), ["env", ".venv-torch", "~/envs/torch 2", "/opt/env", "$HOME/x", "${HOME}/x", "-rf", "",
                          "  ", "a\nb", "a\tb", "C:\\Users\\me", "C:/Users/me", "D:", "envs\\torch", "~", "日本/env"]),
    (("target", "python"), ["3.12", "3.9", "3", "3.123", "python3", "/usr/bin/python3", "~/py/bin/python",
                            "bin/python", "python; id", "-/x", None]),
    (("mirror", "pypi"), ["auto", "none", "tuna-pypi", "Tuna", "https://pypi.tuna.tsinghua.edu.cn/simple",
                          "https://user:pw@host.example:8443/simple", "https://host:99999/", "https://host:abc/",
                          "https:///simple", "http://localhost:3141/root/pypi", "http://LOCALHOST/simple",
                          "http://127.0.0.1/simple", "http://[::1]:8080/simple", "http://example.com/simple",
                          "file:///srv/wheels", "ftp://host/simple", "https://host/a b", "https://host/$(id)",
                          "http://x y", "https://[::1]/simple",
                          # a token kept out of the file: the checker reads it from the environment
                          "https://deploy:${TORCH_SETUP_TEST_TOKEN}@host.example/simple",
                          "https://deploy:$TORCH_SETUP_TEST_TOKEN@host.example/simple", "$TORCH_SETUP_TEST_TOKEN",
                          "https://host.example/${}", "https://host.example/$5"]),
    (("driver", "branch"), ["latest", "580", "580.65", "580.65.06", "58", "5800", "latest ", 580, 99, 1000, True,
                            580.65, 580.0, 5.8]),
    (("cuda_toolkit", "version"), ["auto", "12.6", "12.6.3", "12", "12.6.3.1", "123.4", "newest"]),
    (("cuda_toolkit", "prefix"), ["/opt/cuda", "~/cuda", "$HOME/cuda", "-x", "C:\\cuda", None]),
    (("wheelhouse",), ["/media/usb/wh", "./wh", "~/wh", "${HOME}/wh", "\\\\server\\wh", None]),
]


def _data(where: tuple[str, ...], value: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"version": 1}
    holder = data
    for part in where[:-1]:
        holder = holder.setdefault(part, {})
    holder[where[-1]] = value
    return data


@pytest.mark.parametrize("where, value", [(w, v) for w, values in VALUES for v in values],
                         ids=lambda x: ".".join(x) if isinstance(x, tuple) else repr(x))
def test_each_value_gets_the_same_verdict(where, value):
    data = _data(where, value)
    text = yaml.safe_dump(data, allow_unicode=True)
    assert yaml.safe_load(text) == data
    assert schema_takes(data) == checker_takes(text), (data, schema_takes(data))


def test_what_only_the_checker_can_know_is_left_to_it(monkeypatch):
    """An unset variable, a ~user with no such user: the same file is fine on another machine."""
    monkeypatch.delenv("NOPE", raising=False)
    for path in ("$NOPE/env", "~nosuchuser/env"):
        data = _data(("target", "path"), path)
        assert schema_takes(data) and not checker_takes(yaml.safe_dump(data))
    data = _data(("mirror", "pypi"), "https://deploy:${NOPE}@host.example/simple")
    assert schema_takes(data) and not checker_takes(yaml.safe_dump(data))


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        return ([node["pattern"]] if isinstance(node.get("pattern"), str) else []) + [
            p for v in node.values() for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the patterns as ECMA-262")
def test_the_patterns_mean_the_same_to_an_editor():
    """Editors compile a schema's patterns as ECMA-262 regular expressions (ajv: in unicode mode)."""
    patterns = sorted(set(_patterns(SCHEMA)))
    samples = sorted({v for _w, values in VALUES for v in values if isinstance(v, str)})
    script = ("const [ps, vs] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "console.log(JSON.stringify(ps.map(p => { const r = new RegExp(p, 'u'); return vs.map(v => r.test(v)); })));")
    out = subprocess.run(["node", "-e", script], input=json.dumps([patterns, samples]), capture_output=True,
                         text=True, timeout=60, check=True)
    in_node = json.loads(out.stdout)
    python = [[ecma(p).search(v) is not None for v in samples] for p in patterns]
    assert len(patterns) >= 7
    assert [(p, v) for p, e, y in zip(patterns, in_node, python, strict=True) for v, a, b in zip(samples, e, y, strict=True)
            if a != b] == []
