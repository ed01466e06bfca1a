"""Typed templating: values checked by type, substituted only where their type may go."""

from __future__ import annotations

import pytest

from installer.plan.template import TemplateError, argv_items, check_text, expand, substitute
from installer.plan.values import VARIABLES, VType, check, checked_namespace, sample_namespace

VALUES = {"torch.version": "2.13.0", "target.path": "/tmp/a b;c", "pins.requirements": ("torch==2.13.0+cpu",
          "torchvision==0.28.0+cpu"), "target.python": "/tmp/a b;c/bin/python", "hw.kernel": "6.5 $(id)",
          "driver.install": True, "hw.gpu_count": 2, "index.url": None, "torch.local": "+cpu"}


def test_whole_item_keeps_the_value_as_one_item():
    argv = argv_items(["${target.python}", "-m", "venv", "${target.path}"], VALUES)
    assert argv == ("/tmp/a b;c/bin/python", "-m", "venv", "/tmp/a b;c")


def test_list_splices_into_argv():
    argv = argv_items(["install", "${pins.requirements}"], VALUES)
    assert argv == ("install", "torch==2.13.0+cpu", "torchvision==0.28.0+cpu")


def test_embedding_is_allowed_only_for_safe_types():
    assert substitute("torch==${torch.version}${torch.local}", VALUES) == "torch==2.13.0+cpu"
    assert substitute("--count=${hw.gpu_count}", VALUES) == "--count=2"
    for text in ("${target.path}/bin", "--prefix=${target.path}", "x${pins.requirements}"):
        with pytest.raises(TemplateError, match="whole item"):
            check_text(text)


def test_free_text_never_goes_into_a_command():
    with pytest.raises(TemplateError, match="free text"):
        substitute("${hw.kernel}", VALUES)
    assert substitute("kernel ${hw.kernel}", VALUES, display=True) == "kernel 6.5 $(id)"


def test_unknown_and_missing_values():
    with pytest.raises(TemplateError, match="unknown"):
        substitute("${torch.versoin}", VALUES)
    with pytest.raises(TemplateError, match="no value"):
        substitute("${index.url}", VALUES)
    assert substitute("$${literal}", VALUES) == "${literal}"


def test_expand_keeps_types_for_kind_parameters():
    out = expand({"python": "${target.python}", "packages": "${pins.requirements}", "flag": "${driver.install}",
                  "items": ["a", "${pins.requirements}"]}, VALUES)
    assert out == {"python": "/tmp/a b;c/bin/python", "packages": ("torch==2.13.0+cpu", "torchvision==0.28.0+cpu"),
                   "flag": True, "items": ["a", "torch==2.13.0+cpu", "torchvision==0.28.0+cpu"]}


@pytest.mark.parametrize("vtype, bad", [
    (VType.VERSION, "2.13.0; touch /tmp/x"), (VType.VERSION, "2.13 .0"), (VType.IDENT, "cu126 x"),
    (VType.PIN, "torch>=2"), (VType.PIN, "torch==2.13.0 ; os_name=='nt'"), (VType.PATH, "relative/path"),
    (VType.PATH, "/a\nb"), (VType.URL, "https://x/$(id)"), (VType.URL, "ftp://x"), (VType.COMMAND, "python; id"),
    (VType.INT, "2"), (VType.BOOL, "yes"), (VType.LOCAL, "+cpu;x"), (VType.PINS, ["torch==1.0", "x y"]),
])
def test_values_are_checked_by_type(vtype, bad):
    with pytest.raises(ValueError):
        check(vtype, bad)


def test_sample_namespace_covers_every_name_with_a_valid_value():
    samples = sample_namespace()
    assert set(samples) == set(VARIABLES)
    assert checked_namespace(samples) == {k: (tuple(v) if isinstance(v, list) else v) for k, v in samples.items()}
