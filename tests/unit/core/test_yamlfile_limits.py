"""What load_yaml refuses before reading: a path that is no regular file, and a file over the size limit;
and PyYAML's syntax problems in the chosen language."""

from __future__ import annotations

import os
import threading

import pytest

from installer.errors import InputError
from installer.i18n import set_language
from installer.yamlfile import MAX_YAML_BYTES, load_yaml, parse_yaml


@pytest.fixture
def chinese():
    set_language("zh")
    yield
    set_language("en")


@pytest.mark.timeout(30)
def test_a_device_is_refused_without_reading_it():
    with pytest.raises(InputError) as err:
        load_yaml("/dev/zero")  # read whole, it filled memory until the machine gave out
    assert err.value.exit_code == 2 and err.value.file == "/dev/zero"
    assert err.value.message == "this is a device, not a file: torch-setup reads only saved files"
    assert "save the text to a file" in (err.value.hint or "")


@pytest.mark.timeout(30)
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as err:
        load_yaml(fifo)
    assert err.value.file == str(fifo) and "a named pipe (fifo)" in err.value.message
    link = tmp_path / "link.yaml"  # the check follows links: a link to a fifo is a fifo
    link.symlink_to(fifo)
    with pytest.raises(InputError) as err:
        load_yaml(link)
    assert "a named pipe (fifo)" in err.value.message


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    comment = b"# " + b"x" * 97 + b"\n"  # 100 bytes a line
    body = b"version: 1\n" + comment * ((MAX_YAML_BYTES - 11) // 100)
    big.write_bytes(body + b"#" * (MAX_YAML_BYTES - len(body)))
    assert big.stat().st_size == MAX_YAML_BYTES
    assert load_yaml(big).data == {"version": 1}
    with big.open("ab") as fh:
        fh.write(b"\n")
    with pytest.raises(InputError) as err:
        load_yaml(big)
    assert err.value.file == str(big) and err.value.exit_code == 2
    assert err.value.message == "the file is 1.0 MiB: more than the 1 MiB torch-setup reads from a YAML file"
    assert "a few kilobytes" in (err.value.hint or "")


@pytest.mark.timeout(60)
def test_a_file_that_keeps_growing_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    """Small when looked at, then written on (a log being appended to): the read stops past the limit."""
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"a: 1\n")
    stop = threading.Event()

    def grow() -> None:
        with path.open("ab") as fh:
            while not stop.is_set():
                fh.write(b"#" * 65536 + b"\n")
                fh.flush()

    import installer.yamlfile as yamlfile

    real_open = yamlfile.os.open
    writer = threading.Thread(target=grow, daemon=True)

    def open_after_growth(p, flags):  # the file grows between the size check and the read
        writer.start()
        while path.stat().st_size <= 4 * MAX_YAML_BYTES:
            pass
        return real_open(p, flags)

    monkeypatch.setattr(yamlfile.os, "open", open_after_growth)
    try:
        with pytest.raises(InputError) as err:
            load_yaml(path)
    finally:
        stop.set()
        writer.join()
    assert err.value.message.startswith("the file is 1.0 MiB: more than")


def test_a_folder_and_a_missing_file_keep_their_own_messages(tmp_path):
    with pytest.raises(InputError) as err:
        load_yaml(tmp_path)
    assert err.value.message == "this is a folder, not a file"
    with pytest.raises(InputError) as err:
        load_yaml(tmp_path / "nope.yaml")
    assert err.value.message == "file not found"


def test_every_file_load_yaml_reads_that_ships_is_far_under_the_limit():
    """The limit must never refuse a legitimate file: the biggest shipped YAML stays a tenth of it or less."""
    from pathlib import Path

    import installer

    root = Path(installer.__file__).resolve().parent
    shipped = [p for p in (*root.rglob("*.yaml"), *root.parent.joinpath("recipes").glob("*.yaml"))
               if p.name != "zh.yaml"]  # the message catalog is read by the i18n module, not load_yaml
    assert shipped and max(p.stat().st_size for p in shipped) < MAX_YAML_BYTES / 10


# (YAML text, its line, the English problem as PyYAML's libyaml words it, a part of the Chinese)
SYNTAX = [
    ("version: 1\ntorch:\n  variant: cpu\n    torch: 2\n", 4, "mapping values are not allowed in this context",
     "缩进过深"),
    ("version: 1\ntorch:\n\tversion: 2\n", 3, "found a tab character that cannot start any token", "制表符"),
    ("a:\n  - 1\n\t- 2\n", 3, "found a tab character that violates indentation", "制表符缩进"),
    ("a: 1\nb\nc: 2\n", 2, "no ':' after the key in 'b'", "冒号"),  # the line with the mistake, not the next
    ("a:\n  b: 1\n c: 2\n", 3, "did not find expected key", "没有对齐"),
    ("- a\n- b\nc: 1\n", 3, "did not find expected '-' indicator", "'-'"),
    ("a: *x\n", 1, "found undefined alias", "未定义的锚点"),
    ("a: &x 1\nb: &x 2\n", 2, "found duplicate anchor (first occurrence on line 1)", "第一次出现在第 1 行"),
    # an unclosed quote or bracket: where it opens, not the end of the file (found in use: line 37 of 36)
    ("a: 'text\n\nb: 1\n", 1, "the quote that opens in \"a: 'text\" is never closed", "引号"),
    ("a: [1, 2\n", 1, "the '[' in 'a: [1, 2' is not closed with ']'", "'['"),
    ("a: [1 [2]\n", 1, "did not find expected ',' or ']'", "',' 或 ']'"),  # one line: where it gave up
    ("a: 1\n---\nb: 2\n", 2, "expected a single document in the stream, but found another document", "第二个"),
    ("a: @x\n", 1, "found character '@' that cannot start any token", "'@'"),
    ('a: "C:\\qt"\n', 1, "found unknown escape character", "单引号"),
    ("a: !foo 1\n", 1, "could not determine a constructor for the tag '!foo'", "'!foo'"),
    ("? [a]\n: 1\n", 1, "found unhashable key", "不能用作键"),
    ("# 注释\nb: 1\na: \x01\n", 3,
     "the file holds a character YAML does not allow (U+0001): control characters cannot be in it", "U+0001"),
]


@pytest.mark.parametrize(("text", "line", "english", "chinese_part"), SYNTAX)
def test_syntax_problems_name_the_line_in_either_language(text, line, english, chinese_part):
    with pytest.raises(InputError) as err:
        parse_yaml(text, "bad.yaml")
    assert (err.value.file, err.value.line) == ("bad.yaml", line)
    assert err.value.message == f"not valid YAML: {english}"
    set_language("zh")
    try:
        with pytest.raises(InputError) as err:
            parse_yaml(text, "bad.yaml")
    finally:
        set_language("en")
    assert err.value.message.startswith("不是有效的 YAML：") and chinese_part in err.value.message
    assert english not in err.value.message


def test_the_pure_python_parsers_words_get_the_same_text(chinese):
    """PyYAML without libyaml words them its own way ("allowed here", "expected <block end>")."""
    import yaml

    from installer.yamlproblems import problem_text

    for text, expected in [("a: b: c\n", "这里不能出现“键: 值”"), ("a:\n  b: 1\n c: 2\n", "这里应是一个键"),
                           ("- a\nc: 1\n", "'-' 开头的列表项"), ("x:\n\t- 2\n", "制表符")]:
        with pytest.raises(yaml.MarkedYAMLError) as err:
            yaml.SafeLoader(text).get_single_node()
        assert expected in problem_text(err.value, text), (text, err.value.problem)


def test_a_problem_no_pattern_knows_keeps_pyyamls_words(chinese):
    with pytest.raises(InputError) as err:
        parse_yaml("a: & 1\n", "bad.yaml")
    assert err.value.message == "不是有效的 YAML：did not find expected alphabetic or numeric character"


def test_the_command_line_says_it_in_chinese_with_exit_2(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ntorch:\n  version: '2.5'\n  variant: cpu\n    torch: 2\n")
    r = cli("--lang", "zh", "plan", "--answers", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{bad}:5: 不是有效的 YAML：这里不能出现“键: 值”" in r.stderr
    r = cli("plan", "--answers", "/dev/zero", timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("/dev/zero: this is a device, not a file")
