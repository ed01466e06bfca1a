"""The CUDA rules on their own: kernels, driver floors, branch choice, version comparison."""

from __future__ import annotations

from datetime import date

import pytest

from installer.compat.data import load
from installer.compat.data_model import Kernels
from installer.compat.machine import NvidiaGpu
from installer.compat.rules import driver_meets, driver_need, kernel_for, pick_branch, version_key

CU13 = Kernels(sm=["7.5", "8.0", "8.6", "9.0", "10.0", "12.0"], ptx=["12.0"])
CU126 = Kernels(sm=["5.0", "6.0", "7.0", "7.5", "8.0", "8.6", "9.0"])


@pytest.mark.parametrize(("cc", "kernels", "kind", "built_for"), [
    ((8, 9), CU126, "cubin", (8, 6)),   # Ada runs Ampere cubins of the same major
    ((6, 1), CU126, "cubin", (6, 0)),
    ((10, 3), CU13, "cubin", (10, 0)),  # B300 runs sm_100
    ((12, 1), CU13, "cubin", (12, 0)),  # GB10 runs sm_120
    ((13, 0), CU13, "ptx", (12, 0)),    # nothing of its major: only PTX of a lower capability
    ((6, 1), CU13, None, None),         # PTX 12.0 is above 6.1: it cannot run there
    ((3, 7), CU126, None, None),
    ((11, 0), CU126, None, None),       # sm_90 is a different major; cu126 has no PTX
])
def test_kernel_for(cc, kernels, kind, built_for):
    match = kernel_for(cc, kernels)
    assert (match.kind if match else None) == kind
    assert (match.cc if match else None) == built_for


def test_versions_compare_numerically():
    assert version_key("580.65.06") > version_key("580.65.5") > version_key("580.9")
    assert version_key("570.26") < version_key("570.124.06")


def test_cubins_need_the_minor_compat_floor_ptx_the_toolkits_own_driver():
    data = load()
    cubin = driver_need("13.2.1", False, data, windows=False)
    ptx = driver_need("13.2.1", True, data, windows=False)
    assert (cubin.version, cubin.via) == ("580.65.06", "minor-compat")
    assert (ptx.version, ptx.via) == ("595.45.04", "toolkit")
    assert driver_meets("580.65.06", "13.0", cubin) and not driver_meets("580.65.05", "13.0", cubin)
    assert not driver_meets("590.44.01", "13.1", ptx)
    assert driver_need("12.6.3", False, data, windows=False).version == "525.60.13"
    assert driver_need("11.8.0", False, data, windows=False).version == "450.80.02"


def test_windows_without_a_published_number_judges_by_the_cuda_the_driver_reports():
    need = driver_need("13.0.3", False, load(), windows=True)
    assert need.version is None
    assert driver_meets("581.57", "13.0", need) and not driver_meets("566.36", "12.7", need)
    assert not driver_meets(None, None, need)


def _gpu(cc, last=None, first=None):
    return NvidiaGpu(name="x", cc=cc, cc_from_table=False, arch=None, last_branch=last, min_branch=first)


def test_pick_branch_meets_the_need_and_keeps_every_gpu_supported():
    data = load()
    day = date(2025, 3, 1)  # before any of these branches' support ended: the rule on need and GPUs alone
    cu13 = driver_need("13.0.3", False, data, windows=False)
    cu12 = driver_need("12.6.3", False, data, windows=False)
    assert pick_branch(cu13, (_gpu((8, 9)),), data, windows=False, today=day) == "580"
    assert pick_branch(cu12, (_gpu((8, 9)),), data, windows=False, today=day) == "535"
    assert pick_branch(cu12, (_gpu((6, 1), last="580"),), data, windows=False, today=day) == "535"
    # a Blackwell card needs a branch that knows it, even for an old need
    assert pick_branch(cu12, (_gpu((12, 0), first="570"),), data, windows=False, today=day) == "570"
    # CUDA 13 PTX (595) is out of reach of Pascal (last R580)
    ptx = driver_need("13.2.1", True, data, windows=False)
    assert pick_branch(ptx, (_gpu((6, 1), last="580"),), data, windows=False, today=day) is None
    assert pick_branch(cu12, (_gpu((3, 7), last="470"),), data, windows=False, today=day) is None
