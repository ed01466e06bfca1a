"""Mirror choices a tester in China made, through the real command line (`plan --answers F --hardware F`,
`answers check`), against recorded machines and real HTTP servers on 127.0.0.1 where a probe is involved.

Found in use:
1. a conda-forge environment's .condarc sent a later `conda install` to Anaconda's `defaults`;
2. TUNA's PyPI mirror given as mirror.pytorch (as many Chinese tutorials say) became
   --extra-index-url .../simple/cu126, PyPI's page for a package named cu126;
3. a mirror chosen by hand that no step used was dropped without a word (only apt had a note);
4. `mirror.apt: tuna-pypi` on an Ubuntu report was told "did you mean 'tuna-debian'?", which the next run
   refused as a Debian mirror "on this machine" (the recorded one);
5. Miniforge came from github.com first on a Chinese network, TUNA only after github timed out;
6. `mirror.cuda` was told "did you mean mirror.conda?".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from helpers import TESTS, cpu_answers, load_module

servers = load_module(TESTS / "unit" / "mirrors" / "mirror_servers.py")
MACHINES = TESTS / "fixtures" / "machines"
TUNA_PYPI = "https://pypi.tuna.tsinghua.edu.cn/simple"
# what the tests run under: no region from the environment, a timezone that says nothing
NEUTRAL = {"TORCH_SETUP_REGION": "", "TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}


def _plan(cli, tmp_path: Path, answers: str, machine: str, **env: str):
    path = tmp_path / "a.yaml"
    path.write_text(answers)
    return cli("plan", "--answers", str(path), "--hardware", str(MACHINES / f"{machine}.json"), cwd=tmp_path,
               env={**NEUTRAL, "HOME": str(tmp_path), **env})


def _conda(mirror: str) -> str:
    return f"version: 1\nmethod: conda\ntarget:\n  kind: conda\n  path: ~/condaenv\nmirror:\n{mirror}"


def _notes(stdout: str) -> list[str]:
    return [line.removeprefix("# note: ") for line in stdout.splitlines() if line.startswith("# note: ")]


# ------------------------------------------------------------------- 1. the conda-forge env's .condarc
def test_the_conda_forge_environment_stays_on_conda_forge(cli, tmp_path):
    result = _plan(cli, tmp_path, _conda("  conda: tuna-conda\n"), "mixed-3090-v100-580")
    assert result.returncode == 0, result.stderr
    written = re.search(r"put_file 644 (\S+)/condaenv/\.condarc '(.*?)'\n", result.stdout, re.S)
    assert written, result.stdout
    condarc = yaml.safe_load(written.group(2))
    # TUNA's help page: custom_channels conda-forge -> <endpoint>/cloud; nothing of Anaconda's defaults
    assert condarc == {"channels": ["conda-forge"], "show_channel_urls": True,
                       "custom_channels": {"conda-forge": "https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud"}}
    # the environment is made from the same channel
    assert "--override-channels -c https://mirrors.tuna.tsinghua.edu.cn/anaconda/cloud/conda-forge" in result.stdout


def test_the_user_condarc_leaves_the_other_environments_channels_alone(cli, tmp_path):
    (tmp_path / ".condarc").write_text("channels:\n  - conda-forge\nauto_activate_base: false\n")
    path = tmp_path / "a.yaml"
    path.write_text(_conda("  conda: bfsu-conda\n  scope: user\n"))
    result = cli("plan", "--answers", str(path), "--hardware", str(MACHINES / "mixed-3090-v100-580.json"),
                 cwd=tmp_path, env={**NEUTRAL, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    written = re.search(r"put_file 644 \S+/\.condarc '(.*?)'\n", result.stdout, re.S)
    assert written, result.stdout
    assert yaml.safe_load(written.group(1)) == {
        "channels": ["conda-forge"], "auto_activate_base": False,
        "custom_channels": {"conda-forge": "https://mirrors.bfsu.edu.cn/anaconda/cloud"}}


# ---------------------------------------------------- 2. a PyPI mirror is no PyTorch wheel index
@pytest.mark.parametrize("url", [TUNA_PYPI, "https://mirrors.aliyun.com/pypi/simple/",
                                 "https://mirrors.bfsu.edu.cn/pypi/web/simple/cu126",
                                 "https://repo.huaweicloud.com/repository/pypi/simple"])
def test_a_pypi_mirror_as_the_pytorch_index_is_refused_on_its_line(cli, tmp_path, url):
    result = _plan(cli, tmp_path, f"version: 1\nmirror:\n  region: cn\n  pytorch: {url}\n", "mixed-3090-v100-580")
    assert result.returncode == 2, result.stdout
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'a.yaml'}:4: mirror.pytorch: {url.rstrip('/')} is a PyPI mirror, not a "
                            "PyTorch wheel index: "), result.stderr
    assert "/cu126 is PyPI's page of a package named cu126" in first
    assert ("a PyPI mirror goes in mirror.pypi; for mirror.pytorch give auto or one of the catalog's PyTorch wheel "
            "mirrors: nju-pytorch, sjtu-pytorch, aliyun-pytorch, pytorch (`torch-setup mirrors` lists them)"
            ) in result.stderr
    assert "--extra-index-url" not in result.stdout


def test_a_loopback_pypi_mirror_is_refused_and_a_loopback_torch_index_taken(cli, tmp_path):
    """Both answer over HTTP; only the one that is a PyTorch wheel index is one."""
    pypi = servers.pypi_index(servers.Mirror("pypi"), prefix="/pypi/web/simple").start()
    torch = servers.torch_index(servers.Mirror("torch"), variant="cpu", versions=("2.13.0",)).start()
    try:
        (tmp_path / "pypi.yaml").write_text(cpu_answers(f"pytorch: {pypi.base}/pypi/web/simple"))
        refused = cli("answers", "check", "pypi.yaml", cwd=tmp_path, env=NEUTRAL)
        (tmp_path / "torch.yaml").write_text(cpu_answers(f"pytorch: {torch.base}/whl"))
        taken = cli("answers", "check", "torch.yaml", cwd=tmp_path, env=NEUTRAL)
    finally:
        pypi.stop()
        torch.stop()
    assert refused.returncode == 2
    assert "pypi.yaml:12: mirror.pytorch: " in refused.stderr and "is a PyPI mirror" in refused.stderr
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert torch.requests, "the torch index was really asked"


# ------------------------------------------------------------------- 3. mirrors no step uses
def test_a_conda_plan_says_its_pypi_and_pytorch_mirrors_are_not_used(cli, tmp_path):
    result = _plan(cli, tmp_path, _conda("  pypi: aliyun-pypi\n  pytorch: nju-pytorch\n"), "mixed-3090-v100-580")
    assert result.returncode == 0, result.stderr
    notes = _notes(result.stdout)
    assert "the PyPI mirror aliyun-pypi is not used: no step of this plan installs from a PyPI index" in notes
    assert ("the PyTorch wheel mirror nju-pytorch is not used: no step of this plan takes wheels from a PyTorch "
            "wheel index") in notes


def test_a_pip_plan_says_its_unused_pytorch_and_conda_mirrors(cli, tmp_path):
    # cu132 is PyPI's own build: no PyTorch index is asked
    answers = "version: 1\ntorch:\n  variant: cu132\nmirror:\n  pytorch: sjtu-pytorch\n  conda: tuna-conda\n"
    result = _plan(cli, tmp_path, answers, "h200-580")
    assert result.returncode == 0, result.stderr
    notes = _notes(result.stdout)
    assert ("the PyTorch wheel mirror sjtu-pytorch is not used: no step of this plan takes wheels from a PyTorch "
            "wheel index") in notes
    assert "the conda mirror tuna-conda is not used: no step of this plan installs with conda" in notes


def test_mirrors_the_steps_use_get_no_note(cli, tmp_path):
    answers = "version: 1\nmirror:\n  pypi: aliyun-pypi\n  pytorch: nju-pytorch\n"
    result = _plan(cli, tmp_path, answers, "mixed-3090-v100-580")
    assert result.returncode == 0, result.stderr
    assert "https://mirrors.nju.edu.cn/pytorch/whl/cu126" in result.stdout
    assert not [n for n in _notes(result.stdout) if "is not used" in n]


# ------------------------------------------------------------------- 4. apt mirrors of the report's distro
def test_an_apt_id_of_another_kind_is_told_the_same_sites_ubuntu_mirror(cli, tmp_path):
    answers = "version: 1\ndriver:\n  install: true\nmirror:\n  apt: tuna-pypi\n"
    result = _plan(cli, tmp_path, answers, "nodriver-rtx3060")
    assert result.returncode == 2
    assert "mirror.apt: unknown apt mirror id 'tuna-pypi'" in result.stderr
    assert "did you mean 'tuna-ubuntu'?" in result.stderr and "debian" not in result.stderr


def test_a_debian_mirror_for_a_recorded_ubuntu_machine_names_the_ubuntu_ids(cli, tmp_path):
    answers = "version: 1\ndriver:\n  install: true\nmirror:\n  apt: tuna-debian\n"
    result = _plan(cli, tmp_path, answers, "nodriver-rtx3060")
    assert result.returncode == 2
    assert "mirror.apt: tuna-debian is a mirror of the Debian archive; the recorded machine runs Ubuntu" in result.stderr
    assert "this machine" not in result.stderr
    assert ("choose one of the catalog's Ubuntu mirrors: ubuntu, tuna-ubuntu, ustc-ubuntu, bfsu-ubuntu, "
            "aliyun-ubuntu, tencent-ubuntu, huawei-ubuntu, cernet-ubuntu; or auto") in result.stderr


# ------------------------------------------------------------------- 5. Miniforge's download order
def _miniforge_hosts(stdout: str) -> list[str]:
    fetch = next(line for line in stdout.splitlines() if "fetch " in line and "Miniforge3" in line)
    return [re.sub(r"^https://([^/]+)/.*$", r"\1", u) for u in fetch.split()[2:]]


@pytest.mark.parametrize("mirror, env, first", [
    ("  region: cn\n", {}, "mirrors.tuna.tsinghua.edu.cn"),
    ("  conda: tuna-conda\n", {}, "mirrors.tuna.tsinghua.edu.cn"),  # region auto, a TUNA conda mirror
    ("  region: auto\n", {"TZ": "Asia/Shanghai"}, "mirrors.tuna.tsinghua.edu.cn"),  # the region's guess
    ("  region: global\n", {"TZ": "Asia/Shanghai"}, "github.com"),
    ("  region: auto\n", {}, "github.com"),
    # a cn mirror chosen by hand says this machine reaches it, whatever the region says (a re-check found
    # github.com first with region global beside tuna-conda); any kind, by id or by a URL on its host
    ("  region: global\n  conda: tuna-conda\n", {}, "mirrors.tuna.tsinghua.edu.cn"),
    ("  region: global\n  apt: ustc-ubuntu\n", {}, "mirrors.tuna.tsinghua.edu.cn"),
    ("  region: global\n  pypi: https://mirrors.aliyun.com/pypi/simple\n", {}, "mirrors.tuna.tsinghua.edu.cn"),
    ("  region: global\n  conda: https://conda.lab.example/conda-forge\n", {}, "github.com"),
])
def test_miniforge_comes_from_the_regions_hosts_first(cli, tmp_path, mirror, env, first):
    result = _plan(cli, tmp_path, _conda(mirror), "mixed-3090-v100-580", **env)
    assert result.returncode == 0, result.stderr
    hosts = _miniforge_hosts(result.stdout)
    assert hosts[0] == first and set(hosts) == {"github.com", "mirrors.tuna.tsinghua.edu.cn", "mirror.nju.edu.cn"}


# ------------------------------------------------------------------- 6. mirror.cuda
def test_mirror_cuda_is_told_where_cuda_comes_from(cli, tmp_path):
    (tmp_path / "a.yaml").write_text("version: 1\nmirror:\n  cuda: aliyun-cuda\n")
    result = cli("answers", "check", "a.yaml", cwd=tmp_path, env=NEUTRAL)
    assert result.returncode == 2
    assert "a.yaml:3: mirror.cuda: unknown key: there is no mirror.cuda answer" in result.stderr
    assert "mirror.conda" not in result.stderr
    assert "NVIDIA's own hosts, developer.download.nvidia.cn first with mirror.region: cn" in result.stderr


# ------------------------------------------------------------------- a misspelt id the plan does not use
@pytest.mark.parametrize("kind, typed, meant", [
    ("apt", "tuna-ubunto", "tuna-ubuntu"),  # a pip CPU plan has no apt step
    ("conda", "tuna-condaa", "tuna-conda"),  # nor a conda one
    ("pytorch", "nju-pytorchh", "nju-pytorch"),  # used (the cpu wheels' index): in the same words
])
def test_a_misspelt_mirror_id_is_refused_whether_or_not_the_plan_uses_it(cli, tmp_path, kind, typed, meant):
    """Found in a re-check: `mirror.apt: tuna-ubunto` in a pip CPU plan passed `answers check`, and the plan
    said "the apt mirror tuna-ubunto is not used". It is refused as a used one is: its key, did you mean."""
    (tmp_path / "a.yaml").write_text(f"version: 1\ntorch:\n  variant: cpu\nmirror:\n  {kind}: {typed}\n")
    result = cli("answers", "check", "a.yaml", "--hardware", str(MACHINES / "a100x4-555.json"),
                 "--probe-timeout", "0.2", cwd=tmp_path, env=NEUTRAL)
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"a.yaml:5: mirror.{kind}: unknown {kind} mirror id '{typed}'" in result.stderr
    assert f"did you mean '{meant}'?" in result.stderr
    assert "is not used" not in result.stdout + result.stderr


def test_a_mirror_url_the_plan_does_not_use_is_still_only_said(cli, tmp_path):
    answers = "version: 1\ntorch:\n  variant: cpu\nmirror:\n  apt: https://apt.lab.example/ubuntu\n"
    result = _plan(cli, tmp_path, answers, "a100x4-555")
    assert result.returncode == 0, result.stderr
    assert ("the apt mirror https://apt.lab.example/ubuntu is not used: no step of this plan installs with apt"
            in _notes(result.stdout))
