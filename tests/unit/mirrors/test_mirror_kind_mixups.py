"""Mirror addresses of the wrong kind, as testers pasted them from Chinese tutorials: a conda channel or a
site's front page as mirror.pypi, a PyTorch index's cu118 folder for a cu126 build, an http:// or
scheme-less address whose hint gave an example of another kind; and the conda plan's header, which
described a pip install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mirror_servers import pypi_index, torch_index, write_catalog

from installer.answers import mirror_problem, parse_answers
from installer.errors import InputError
from installer.mirrors.catalog import load_catalog
from installer.mirrors.pick import chosen_pypi_failure, pick_pytorch_index

REPO = Path(__file__).resolve().parents[3]
MACHINE = REPO / "tests" / "fixtures" / "machines" / "rtx4090-550.json"
TUNA_PYPI = "https://pypi.tuna.tsinghua.edu.cn/simple"  # the catalog's tuna-pypi


def _refusal(key: str, typed: str) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_answers(f"version: 1\nmirror:\n  {key}: '{typed}'\n", "a.yaml")
    err = caught.value
    assert (err.file, err.line, err.key) == ("a.yaml", 3, f"mirror.{key}"), (err.file, err.line, err.key)
    return err


@pytest.mark.parametrize("typed, write", [
    ("https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud/conda-forge", TUNA_PYPI),  # TUNA's conda channel
    ("https://mirrors.tuna.tsinghua.edu.cn/", TUNA_PYPI),  # the site, whose PyPI is on another host
    ("https://mirrors.aliyun.com", "https://mirrors.aliyun.com/pypi/simple"),
    ("https://download.pytorch.org/whl/cu126", "https://pypi.org/simple"),  # a PyTorch wheel index
    ("https://mirrors.aliyun.com/pytorch-wheels/cu118", "https://mirrors.aliyun.com/pypi/simple"),
    ("https://conda.corp.example/anaconda/cloud/conda-forge", "usually ends in /simple"),  # not in the catalog
])
def test_mirror_pypi_refuses_what_is_surely_no_pypi_index(typed, write):
    err = _refusal("pypi", typed)
    assert write in (err.hint or ""), (err.message, err.hint)
    # the wizard's field says the same
    assert mirror_problem(typed, "pypi") is not None


def test_plan_and_answers_check_exit_2_on_a_conda_channel_as_pypi(cli, tmp_path, xdg_home):
    (tmp_path / "a.yaml").write_text("version: 1\nmirror:\n"
                                     "  pypi: https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud/conda-forge\n")
    for args in (("plan", "--answers", "a.yaml"), ("answers", "check", "a.yaml")):
        result = cli(*args, "--hardware", str(MACHINE), "--probe-timeout", "0.2", cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "a.yaml:3: mirror.pypi: " in result.stderr and f"-> write {TUNA_PYPI}" in result.stderr, result.stderr
        assert "pip.conf" not in result.stdout


def test_a_private_index_of_unknown_shape_stays_a_pypi_mirror(serve):
    # devpi's layout (/user/index/+simple/): nothing in its shape says it is not a PyPI index, and it answers
    mirror = pypi_index(serve("devpi"), prefix="/root/pypi/+simple")
    url = f"{mirror.base}/root/pypi/+simple"
    assert parse_answers(f"version: 1\nmirror: {{pypi: '{url}'}}\n").mirror.pypi == url
    assert chosen_pypi_failure(url, timeout=5) is None


@pytest.mark.parametrize("key, typed, write", [
    ("conda", "http://mirrors.tuna.tsinghua.edu.cn/anaconda", "https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud/conda-forge"),
    ("conda", "mirrors.tuna.tsinghua.edu.cn/anaconda", "https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud/conda-forge"),
    ("pypi", "http://pypi.tuna.tsinghua.edu.cn/simple", TUNA_PYPI),
    ("pypi", "pypi.tuna.tsinghua.edu.cn/simple", TUNA_PYPI),
    ("pypi", "http://mirrors.tuna.tsinghua.edu.cn/anaconda", TUNA_PYPI),  # its https form is a conda channel
    ("pytorch", "http://mirror.sjtu.edu.cn/pytorch-wheels", "https://mirror.sjtu.edu.cn/pytorch-wheels"),
    ("pytorch", "mirrors.nju.edu.cn/pytorch/whl", "https://mirrors.nju.edu.cn/pytorch/whl"),
    ("pytorch", "http://pypi.tuna.tsinghua.edu.cn/simple", "https://download.pytorch.org/whl"),  # a PyPI mirror's
    ("apt", "http://mirrors.tuna.tsinghua.edu.cn/ubuntu", "https://mirrors.tuna.tsinghua.edu.cn/ubuntu"),
    ("apt", "mirrors.ustc.edu.cn/ubuntu", "https://mirrors.ustc.edu.cn/ubuntu"),
    ("conda", "https:///anaconda", "https://mirrors.ustc.edu.cn/anaconda/cloud/conda-forge"),  # no host
])
def test_each_key_s_hint_gives_an_address_of_its_own_kind(key, typed, write):
    err = _refusal(key, typed)
    hint = err.hint or ""
    assert write in hint, (err.message, hint)
    if key != "pypi":
        assert "pypi/simple" not in hint and "/simple" not in hint.replace(write, ""), hint


@pytest.fixture
def known_layout(serve, tmp_path):
    """A catalog whose PyTorch index (a real server on 127.0.0.1) carries cu126 and cu118 folders."""
    mirror = torch_index(torch_index(serve("wheels"), variant="cu126", versions=("2.13.0",)), variant="cu118",
                         versions=("2.7.0",))
    catalog = load_catalog(write_catalog(tmp_path / "c.yaml", {"pytorch": {}}, [
        {"id": "lab-pytorch", "kind": "pytorch", "name": "Lab", "url": f"{mirror.base}/whl", "region": "global",
         "layout": "pep503", "source": "loopback"}]))
    return mirror, catalog


def test_a_known_index_s_other_variant_folder_is_swapped_for_the_build_s(known_layout):
    mirror, catalog = known_layout
    pick = pick_pytorch_index("cu126", "2.13.0", preference=f"{mirror.base}/whl/cu118/", catalog=catalog, timeout=5)
    assert pick.url == f"{mirror.base}/whl/cu126" and pick.failed is None, pick
    assert "names its cu118 folder, and the build chosen is cu126" in pick.reason, pick.reason
    assert "/whl/cu126/torch/" in mirror.requests


def test_an_unknown_index_s_other_variant_folder_is_refused_with_its_base(known_layout):
    mirror, _catalog = known_layout
    with pytest.raises(InputError) as caught:
        pick_pytorch_index("cu126", "2.13.0", preference=f"{mirror.base}/whl/cu118", catalog=load_catalog(), timeout=5)
    assert caught.value.key == "mirror.pytorch"
    assert "the cu118 folder of a PyTorch wheel index, and the build chosen is cu126" in caught.value.message
    assert f"write {mirror.base}/whl," in (caught.value.hint or "")
    assert not mirror.requests  # refused before anything is asked


def test_plan_and_answers_check_agree_on_a_variant_folder(cli, tmp_path, xdg_home, known_layout):
    mirror, _catalog = known_layout
    (tmp_path / "a.yaml").write_text(f"version: 1\nmirror: {{pypi: {TUNA_PYPI}, pytorch: '{mirror.base}/whl/cu118'}}\n")
    for args in (("plan", "--answers", "a.yaml"), ("answers", "check", "a.yaml")):
        result = cli(*args, "--hardware", str(MACHINE), "--probe-timeout", "2", cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "a.yaml:2: mirror.pytorch: " in result.stderr and "build chosen is cu126" in result.stderr, result.stderr
    # the upstream index's layout is known: the same paste plans the cu126 folder, and says so
    (tmp_path / "b.yaml").write_text(f"version: 1\nmirror: {{pypi: {TUNA_PYPI}, "
                                     "pytorch: https://download.pytorch.org/whl/cu118}\n")
    result = cli("plan", "--answers", "b.yaml", "--hardware", str(MACHINE), "--probe-timeout", "0.5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "--extra-index-url https://download.pytorch.org/whl/cu126 torch==2.14.1+cu126" in result.stdout
    assert "cu118" not in result.stdout.replace("names its cu118 folder", ""), result.stdout


def test_the_conda_plan_s_header_says_conda_creates_the_python(cli, tmp_path, xdg_home):
    shutil.copy(REPO / "recipes" / "answers" / "conda-env.yaml", tmp_path / "conda.yaml")
    result = cli("plan", "--answers", "conda.yaml", "--hardware", str(MACHINE), "--probe-timeout", "0.2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    header = [line for line in result.stdout.splitlines() if line.startswith("#")]
    assert "#   python: 3.11 (conda creates it)" in header, header
    assert not any("has wheels for torch" in line for line in header), header
    assert any("conda creates Python 3.11 in the environment" in line for line in header), header
    # a pip plan is as it was
    shutil.copy(REPO / "recipes" / "answers" / "cpu-venv.yaml", tmp_path / "pip.yaml")
    result = cli("plan", "--answers", "pip.yaml", "--hardware", str(MACHINE), "--probe-timeout", "0.2", cwd=tmp_path)
    assert "#   python: /" in result.stdout and "# note: Python 3.11 has wheels for torch" in result.stdout
