"""detect(): every probe at once, each bounded, merged into one HardwareReport.

Probes are independent and mostly wait on files and small programs, so they run in threads; the
target interpreter is started first of all because it is the slowest. A probe that fails or runs past
its time leaves its facts null; detection itself never fails on the machine's account.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from installer.errors import InputError
from installer.hardware import (
    advice,
    amd,
    apple,
    gpus,
    mirror_files,
    nvidia_driver,
    nvidia_smi,
    nvml,
    osinfo,
    overrides,
    pci,
    record,
    root,
    software,
    system,
    target_python,
    toolkits,
)

if TYPE_CHECKING:
    from installer.hardware.report import HardwareReport

#: the whole detection waits at most this long for any probe (each external command is bounded by 5 s)
DEADLINE_S = 6.0


class _Probes:
    """Run callables in daemon threads; a hung one (a wedged NVML) cannot hold the process at exit."""

    def __init__(self) -> None:
        self.results: dict[str, Any] = {}
        self.errors: dict[str, str] = {}
        self.threads: dict[str, threading.Thread] = {}

    def start(self, name: str, fn: Callable[[], Any]) -> None:
        def body() -> None:
            try:
                self.results[name] = fn()
            except Exception as exc:  # a probe's bug must not cost the whole report
                self.errors[name] = f"{type(exc).__name__}: {exc}"

        t = threading.Thread(target=body, name=f"probe-{name}", daemon=True)
        self.threads[name] = t
        t.start()

    def wait(self, deadline: float) -> None:
        for t in self.threads.values():
            t.join(max(0.0, deadline - time.monotonic()))

    def get(self, name: str, default: Any = None) -> Any:
        return self.results.get(name, default)


def _nvidia() -> tuple[Any, Any]:
    facts = nvml.probe()
    if facts is not None and facts.gpus:
        return facts, None
    return facts, nvidia_smi.probe()


def _amd() -> tuple[list[dict[str, Any]], list[str]]:
    nodes = amd.kfd_nodes()
    return nodes, ([] if nodes else amd.rocminfo())


def _toolkits() -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    found = toolkits.toolkits()
    return found, toolkits.cudnn([str(t["path"]) for t in found])


def check_python(python: str | None) -> None:
    """InputError (key --python) when `python` is given and is no executable file."""
    if python is None:
        return
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        from installer.i18n import _
        from installer.i18n.phrases import closed_folder_problem

        if closed := closed_folder_problem(os.path.abspath(python), interpreter=True):  # not "none there": it may well be
            raise InputError(closed[0], key="--python", hint=closed[1])
        from installer.paths import env_interpreter

        inside = env_interpreter(python) if os.path.isdir(python) else None
        if inside is not None:
            # found in use: an environment's folder given where its interpreter is meant
            raise InputError(_("this is an environment's folder, not its interpreter"), file=python, key="--python",
                             hint=_("give its interpreter: {inside}", inside=inside))
        raise InputError(_("no Python interpreter there"), file=python, key="--python",
                         hint=_("give the path of an existing python executable, e.g. /path/to/venv/bin/python"))


def detect_dict(*, python: str | None = None) -> dict[str, Any]:
    """detect() as the plain dict of the JSON contract: what `detect --json` prints, with no pydantic import."""
    found_overrides = overrides.validate()
    check_python(python)
    target = target_python.start(python)
    started = time.monotonic()
    probes = _Probes()
    for name, fn in (
        ("nvidia", _nvidia), ("os", osinfo.probe), ("driver_files", nvidia_driver.from_files), ("pci", pci.scan),
        ("secure_boot", system.secure_boot), ("modules", system.loaded_modules), ("gcc", system.gcc),
        ("mounts", system.mounts), ("toolkits", _toolkits), ("nvcc", toolkits.nvcc), ("amd", _amd),
        ("apple", apple.probe), ("conda", software.conda_tools), ("pythons", software.pythons),
        ("uv", software.uv), ("proxies", software.proxies), ("uv_config", mirror_files.uv_config),
        ("conda_config", mirror_files.conda_config), ("apt_config", mirror_files.apt_config),
    ):
        probes.start(name, fn)
    probes.wait(started + DEADLINE_S)
    tpy = target_python.collect(target, timeout=max(0.5, started + DEADLINE_S - time.monotonic()))
    data = assemble(probes, tpy, python)
    notes = overrides.apply(data, found_overrides)
    data["warnings"] = advice.warnings(data, notes=notes) + data["warnings"]
    return record.report(data)


def detect(*, python: str | None = None) -> HardwareReport:
    """What this machine (or the tree at TORCH_SETUP_ROOT) has, for the target interpreter `python`."""
    from installer.hardware.report import HardwareReport

    return HardwareReport.model_validate(detect_dict(python=python))


def assemble(probes: _Probes, tpy: dict[str, Any] | None, python: str | None) -> dict[str, Any]:
    extra_warnings: list[str] = []
    os_facts: osinfo.OSFacts | None = probes.get("os")
    nvml_facts, smi = probes.get("nvidia", (None, None))
    pci_gpus = probes.get("pci", [])
    kfd, rocm_targets = probes.get("amd", ([], []))

    found_gpus = gpus.nvidia_gpus(nvml_facts, smi, pci_gpus) + gpus.amd_gpus(pci_gpus, kfd, rocm_targets)
    found_gpus += gpus.intel_gpus(pci_gpus)
    mac = probes.get("apple")
    if mac:
        found_gpus.append({"vendor": "apple", "name": mac["name"], "memory_mib": mac["memory_mib"],
                           "source": "sysctl", "integrated": True, "architecture": "Apple Silicon"})
    counters: dict[str, int] = {}
    for g in found_gpus:  # index within a vendor: cuda:N, xpu:N
        g["index"] = counters.get(g["vendor"], 0)
        counters[g["vendor"]] = g["index"] + 1

    modules = probes.get("modules")
    sb, sb_source = probes.get("secure_boot", (None, None))
    kernel = os_facts.kernel if os_facts else None
    headers = system.kernel_headers(kernel) if os_facts and os_facts.system == "Linux" else None

    python_info, existing_torch, pip_conf, prefix = _python_facts(tpy, python, extra_warnings)
    table = probes.get("mounts", [])
    tmp_options = system.mount_options("/tmp", table)
    target_path = prefix or software.home()
    target_options = system.mount_options(target_path, table)
    toolkit_list, cudnn_list = probes.get("toolkits", ([], []))
    gcc = probes.get("gcc")
    return {
        "schema": 1,
        "os": {
            "system": os_facts.system if os_facts else None, "id": os_facts.id if os_facts else None,
            "version_id": os_facts.version_id if os_facts else None, "kernel": kernel,
            "arch": os_facts.arch if os_facts else None, "wsl": os_facts.wsl if os_facts else None,
            "container": bool(os_facts.container) if os_facts else None,
            "pretty_name": os_facts.pretty_name if os_facts else None,
            "codename": os_facts.codename if os_facts else None, "id_like": os_facts.id_like if os_facts else None,
            "container_kind": os_facts.container if os_facts else None,
        },
        "gpus": found_gpus,
        "nvidia_driver": _driver(nvml_facts, smi, probes.get("driver_files")),
        "secure_boot": sb,
        "secure_boot_source": sb_source,
        "nouveau_loaded": ("nouveau" in modules) if modules is not None else None,
        "nvidia_module_loaded": ("nvidia" in modules) if modules is not None else None,
        "cuda_toolkits": toolkit_list,
        "cudnn": cudnn_list,
        "nvcc": probes.get("nvcc"),
        "python": python_info,
        "existing_torch": existing_torch,
        "mirror_config": {"pip": pip_conf, "uv": probes.get("uv_config") or {},
                          "conda": probes.get("conda_config") or {}, "apt": probes.get("apt_config") or {}},
        "kernel_headers": {"kernel": kernel, "present": headers.present, "path": headers.path} if headers else None,
        "gcc": {"version": gcc[0], "path": gcc[1]} if gcc else None,
        "disk": {
            "target": {"path": target_path, "free_mib": system.free_mib(target_path),
                       "noexec": ("noexec" in target_options) if target_options is not None else None},
            "tmp": {"path": "/tmp", "free_mib": system.free_mib("/tmp"),
                    "noexec": ("noexec" in tmp_options) if tmp_options is not None else None},
        },
        "tmp_noexec": ("noexec" in tmp_options) if tmp_options is not None else None,
        "conda": probes.get("conda", []),
        "pythons": probes.get("pythons", []),
        "uv": probes.get("uv"),
        "proxies": probes.get("proxies", {}),
        "warnings": extra_warnings,
        "root": root.root() or None,
        "probe_errors": dict(probes.errors),
    }


def _driver(nvml_facts: Any, smi: Any, files: tuple[str, str, bool | None] | None) -> dict[str, Any] | None:
    version = source = cuda = cuda_source = None
    open_km = files[2] if files else None
    if nvml_facts is not None and nvml_facts.driver_version:
        version, source = nvml_facts.driver_version, "nvml"
        cuda, cuda_source = nvml_facts.cuda_version, ("nvml" if nvml_facts.cuda_version else None)
    if version is None and files:
        version, source = files[0], files[1]
    if smi is not None:
        if version is None and smi.driver_version:
            version, source = smi.driver_version, "nvidia-smi"
        if cuda is None and smi.cuda_version:
            cuda, cuda_source = smi.cuda_version, "nvidia-smi"
    if version is None:
        if smi is None:
            return None
        # nvidia-smi writes its log only once it has reached the driver: loaded, version unknown (a cut log)
        return {"version": None, "cuda": cuda, "source": "nvidia-smi", "cuda_source": cuda_source,
                "open_kernel_module": open_km}
    if cuda is None:
        cuda, cuda_source = nvidia_driver.cuda_for_driver(version), "driver-branch"
    return {"version": version, "cuda": cuda, "source": source, "cuda_source": cuda_source if cuda else None,
            "open_kernel_module": open_km}


def _python_facts(tpy: dict[str, Any] | None, python: str | None,
                  warnings: list[str]) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any], str | None]:
    from installer.i18n import _

    if tpy is None:
        if python is not None:
            warnings.append(_("could not run {python} to read its version and packages: check that it starts",
                              python=python))
            return None, None, target_python.pip_config(None), None
        info = {"version": ".".join(map(str, sys.version_info[:3])), "executable": sys.executable,
                "prefix": sys.prefix, "is_venv": sys.prefix != sys.base_prefix}
        return info, None, target_python.pip_config(None), sys.prefix
    install = tpy.get("install") or {}
    info = {"version": tpy.get("version"), "executable": tpy.get("executable") or python or sys.executable,
            "prefix": tpy.get("prefix"), "is_venv": tpy.get("prefix") != tpy.get("base_prefix"),
            "externally_managed": install.get("externally_managed"), "site_packages": install.get("site_packages"),
            "site_writable": install.get("site_writable"), "conda_env": install.get("conda_env")}
    packages = tpy.get("packages") or {}
    torch = packages.get("torch")
    existing = None
    if torch and torch.get("version"):
        public, _sep, local = str(torch["version"]).partition("+")
        existing = {"version": public, "local": f"+{local}" if local else "", "location": torch.get("location"),
                    "installer": torch.get("installer"),
                    "torchvision": (packages.get("torchvision") or {}).get("version"),
                    "torchaudio": (packages.get("torchaudio") or {}).get("version")}
    pc = tpy.get("pip_config") or {}
    for section, path, error, _origin in pc.get("items") or []:
        if section == "!error":
            warnings.append(_("pip cannot read its configuration file {path}: {error}; fix or remove it",
                              path=path, error=error))
    return info, existing, target_python.pip_config(tpy), tpy.get("prefix")


def load_or_detect(path: str | None, python: str | None = None) -> HardwareReport:
    """`--hardware F` when given (overrides still apply on top), else a live detection."""
    if path is None:
        return detect(python=python)
    from installer.hardware.report import HardwareReport, load_report

    report = load_report(path)
    found = overrides.validate()
    if not found:
        return report
    data = report.to_dict()
    notes = overrides.apply(data, found)
    data["overrides"] = list(dict.fromkeys(list(report.overrides) + data["overrides"]))
    data["warnings"] = list(report.warnings) + advice.warnings({"os": {}, "gpus": []}, notes=notes)
    return HardwareReport.model_validate(data)
