"""The answers file's header for answers `install` refuses (installer.answers.dump_answers): the refusal, what to
do first, then the replay, each line a YAML comment, in the reader's language."""

from __future__ import annotations

from installer.answers import Answers, dump_answers, parse_answers
from installer.i18n import set_language

ANSWERS = Answers.model_validate({"version": 1, "torch": {"version": "2.15.0", "variant": "cu132"}})


def test_a_refusal_over_two_lines_stays_comments():
    text = dump_answers(ANSWERS, "/srv/a.yaml", recorded=True, refused="it cannot\nversion: 9", refused_fix="do this")
    assert text.startswith("# torch-setup answers (version 1). WARNING: `torch-setup install` refuses these answers "
                           "on the recorded machine: it cannot\n# version: 9\n# What to do first: do this\n"
                           "# Once that is put right, replay with: torch-setup install --answers /srv/a.yaml\n"), text
    assert parse_answers(text) == ANSWERS


def test_the_refused_header_in_chinese():
    set_language("zh")
    try:
        text = dump_answers(ANSWERS, refused="why", refused_fix="fix")
    finally:
        set_language("en")
    assert text.startswith("# torch-setup 应答文件（第 1 版）。警告：`torch-setup install` 在这台机器上会拒绝这些应答：why\n"
                           "# 需要先做的：fix\n# 解决上述问题后，再重新运行：torch-setup install --answers "), text
    assert "是按本机的 GPU 和驱动选的" not in text and parse_answers(text) == ANSWERS
