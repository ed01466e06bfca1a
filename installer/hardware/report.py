"""The hardware report: what detection found, in the shape of the `detect --json` contract.

Extra keys are allowed (a report from a newer torch-setup still loads); the keys below are the contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from installer.errors import InputError
from installer.i18n import _

SCHEMA_VERSION = 1
Vendor = Literal["nvidia", "amd", "intel", "apple"]


class _Open(BaseModel):
    # defer_build: a model builds its validator when first used, not at import (start-up time)
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


class OSInfo(_Open):
    system: str | None = None
    id: str | None = None
    version_id: str | None = None
    kernel: str | None = None
    arch: str | None = None
    wsl: bool | None = False
    container: bool | None = False
    # additions beyond the contract (null where unknown)
    pretty_name: str | None = None
    codename: str | None = None  # "jammy", "bookworm": apt suites are named after it
    id_like: str | None = None
    container_kind: str | None = None  # docker | podman | kubernetes | lxc | ...


class GPU(_Open):
    index: int
    vendor: Vendor
    name: str | None = None
    pci_id: str | None = None  # "10de:2684"
    compute_capability: str | None = None  # "8.9" (NVIDIA only)
    memory_mib: int | None = None
    # additions beyond the contract
    architecture: str | None = None  # "Ada Lovelace", "RDNA3", "Xe-HPG"
    chip: str | None = None  # "AD102"
    #: where the compute capability came from: nvml | nvidia-smi | pci-id (the shipped id table) |
    #: pci-ids-chip (the chip named by the system's pci.ids) | name | override.
    #: "name" is the last resort (a device id missing from the table) and deserves less trust.
    compute_capability_source: str | None = None
    source: str | None = None  # the probe that saw the GPU: nvml | nvidia-smi | pci | kfd | rocminfo | sysctl
    pci_bus_id: str | None = None  # "0000:01:00.0"
    uuid: str | None = None
    kernel_driver: str | None = None  # bound to it on the PCI bus: nvidia, nouveau, amdgpu, i915, xe, vfio-pci
    gfx_target: str | None = None  # AMD: "gfx1100"
    integrated: bool | None = None  # Intel / AMD: part of the CPU package


class NvidiaDriver(_Open):
    version: str | None  # None: a driver is loaded (nvidia-smi answered) but did not say which
    cuda: str | None = None  # the newest CUDA this driver runs, as nvidia-smi reports it
    source: str | None = None  # nvml | /sys/module/nvidia/version | /proc/driver/nvidia/version | nvidia-smi | override
    #: nvml | nvidia-smi | driver-branch (derived from the version when no tool could say) | override
    cuda_source: str | None = None
    open_kernel_module: bool | None = None


class CudaToolkit(_Open):
    version: str
    path: str | None = None
    full_version: str | None = None  # "12.4.131" where the toolkit says it


class PythonInfo(_Open):
    version: str
    executable: str
    prefix: str | None = None
    is_venv: bool | None = None
    # PEP 668's EXTERNALLY-MANAGED file, where it is in effect (outside a venv): pip and uv refuse it
    externally_managed: str | None = None
    site_packages: str | None = None  # where pip installs (sysconfig's platlib)
    site_writable: bool | None = None  # by the user who ran detection
    conda_env: bool | None = None  # its prefix is a conda environment (conda-meta is there)


class Tool(_Open):
    """A program found on the machine."""

    path: str
    version: str | None = None
    kind: str | None = None  # for conda-like tools: conda | mamba | micromamba


class CuDNN(_Open):
    version: str
    path: str | None = None


class KernelHeaders(_Open):
    kernel: str | None = None
    present: bool = False
    path: str | None = None  # /lib/modules/<kernel>/build


class DiskSpace(_Open):
    path: str
    free_mib: int | None = None
    noexec: bool | None = None


class ExistingTorch(_Open):
    """torch already installed in the target, read from its package metadata (never imported)."""

    version: str
    local: str | None = None  # "+cu126", "+cpu"; "" for a PyPI default build
    location: str | None = None
    installer: str | None = None  # pip | uv | conda ...
    torchvision: str | None = None
    torchaudio: str | None = None


class PipConfig(_Open):
    """The pip configuration already on the machine (`pip config list` plus PIP_* variables)."""

    index_url: str | None = None
    extra_index_urls: list[str] = Field(default_factory=list)
    find_links: list[str] = Field(default_factory=list)
    trusted_hosts: list[str] = Field(default_factory=list)
    no_index: bool = False
    files: list[str] = Field(default_factory=list)  # the configuration files pip loaded, in order
    # break-system-packages (PIP_BREAK_SYSTEM_PACKAGES): the owner's consent to install into a Python
    # the operating system manages (PEP 668)
    break_system_packages: bool = False
    sources: dict[str, str] = Field(default_factory=dict)  # field -> the file or the PIP_* variable it came from
    # pip's `retries` (pip.conf, PIP_RETRIES), None when the user set none. A report saved by an earlier
    # torch-setup has no such key: `"retries" in model_fields_set` tells the two apart (the pip fallback
    # asks for fewer retries only when the user is known to have set none)
    retries: str | None = None


class UvConfig(_Open):
    """What `uv pip install` would use from uv.toml files and UV_* variables."""

    index_url: str | None = None
    extra_index_urls: list[str] = Field(default_factory=list)
    find_links: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    # field -> the file or the variable it came from (a list's: where its first entry came from)
    sources: dict[str, str] = Field(default_factory=dict)


class CondaConfig(_Open):
    """What conda would use from its condarc files and CONDA_* variables, merged as conda merges them."""

    channels: list[str] = Field(default_factory=list)
    default_channels: list[str] = Field(default_factory=list)
    channel_alias: str | None = None
    custom_channels: dict[str, str] = Field(default_factory=dict)
    files: list[str] = Field(default_factory=list)
    # field (custom_channels.<name> for each mapping entry) -> the file or variable that set it;
    # a merged list's: its highest-precedence source
    sources: dict[str, str] = Field(default_factory=dict)


class AptConfig(_Open):
    uris: list[str] = Field(default_factory=list)  # distinct archive URIs in the sources
    deb822: bool = False  # the system keeps its sources as *.sources (deb822)
    files: list[str] = Field(default_factory=list)


class MirrorConfig(_Open):
    pip: PipConfig = Field(default_factory=PipConfig)
    uv: UvConfig = Field(default_factory=UvConfig)
    conda: CondaConfig = Field(default_factory=CondaConfig)
    apt: AptConfig = Field(default_factory=AptConfig)


class HardwareReport(_Open):
    schema_: int = Field(SCHEMA_VERSION, alias="schema")
    os: OSInfo = Field(default_factory=OSInfo)
    gpus: list[GPU] = Field(default_factory=list)
    nvidia_driver: NvidiaDriver | None = None
    secure_boot: bool | None = None
    nouveau_loaded: bool | None = None
    cuda_toolkits: list[CudaToolkit] = Field(default_factory=list)
    python: PythonInfo | None = None
    mirror_config: MirrorConfig = Field(default_factory=MirrorConfig)
    warnings: list[str] = Field(default_factory=list)
    # additions beyond the contract (null / empty where unknown or absent)
    secure_boot_source: str | None = None  # mokutil | efivars
    nvidia_module_loaded: bool | None = None
    kernel_headers: KernelHeaders | None = None
    gcc: Tool | None = None
    disk: dict[str, DiskSpace] = Field(default_factory=dict)  # "target" and "tmp"
    tmp_noexec: bool | None = None
    cudnn: list[CuDNN] = Field(default_factory=list)
    nvcc: Tool | None = None
    conda: list[Tool] = Field(default_factory=list)
    pythons: list[PythonInfo] = Field(default_factory=list)
    uv: Tool | None = None
    proxies: dict[str, str] = Field(default_factory=dict)
    existing_torch: ExistingTorch | None = None
    overrides: list[str] = Field(default_factory=list)  # the TORCH_SETUP_* variables that changed this report
    root: str | None = None  # TORCH_SETUP_ROOT when the report describes a tree other than /
    probe_errors: dict[str, str] = Field(default_factory=dict)  # a probe that broke: its name and the error

    @property
    def nvidia_gpus(self) -> list[GPU]:
        return [g for g in self.gpus if g.vendor == "nvidia"]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


# other torch-setup documents a person may give as --hardware by mistake: a key only each of them has
_LOOKALIKES = (
    (("target", "torch", "method", "mirror"), "answers"),
    (("choices", "rejected"), "recommend"),
    (("mirrors",), "mirrors"),
    (("checks", "torch_version"), "verify"),
    (("System", "GPUs"), "detect"),  # the text `detect` prints reads as YAML keys
)


def _detect_hint() -> str:
    return _("a hardware report is what `torch-setup detect --json` prints: save one with "
             "`torch-setup detect --json > machine.json` on the machine to plan for")


def _not_a_report(located: Any) -> InputError:
    """Why a file without `schema` is not a hardware report, and what it looks like instead."""
    data = located.data
    for keys, kind in _LOOKALIKES:
        if any(k in data for k in keys):
            if kind == "answers":
                return located.error((), _("this is an answers file, not a hardware report"),
                                     _("give it with --answers; --hardware takes the output of "
                                       "`torch-setup detect --json`"))
            if kind == "detect":
                return located.error((), _("this is what `torch-setup detect` prints for people, not the report"),
                                     _("save the report with --json: `torch-setup detect --json > machine.json`"))
            return located.error((), _("this is the output of `torch-setup {command} --json`, not a hardware "
                                       "report", command=kind), _detect_hint())
    return located.error(("schema",), _("this key is missing, so this file is not a hardware report"),
                         _detect_hint())


def check_schema(located: Any) -> None:
    """InputError unless the loaded file is a hardware report of the schema this torch-setup reads."""
    data = located.data
    if data is None:
        raise located.error((), _("the file is empty"), _detect_hint())
    if not isinstance(data, dict):
        shown = _("a list") if isinstance(data, list) else _("one value")
        if isinstance(data, str) and data.lstrip().startswith("<"):
            shown = _("XML (nvidia-smi -q -x?)")
        raise located.error((), _("a hardware report is a JSON object, and this file holds {what}", what=shown),
                            _detect_hint())
    if "schema" not in data:
        raise _not_a_report(located)
    schema = data["schema"]
    if schema == SCHEMA_VERSION and not isinstance(schema, bool):
        return
    if isinstance(schema, str) and schema.strip() == str(SCHEMA_VERSION):
        raise located.error(("schema",), _("the schema is the number {supported}, not the text {schema}",
                                           supported=SCHEMA_VERSION, schema=repr(schema)),
                            _("write \"schema\": {supported}, without quotes", supported=SCHEMA_VERSION))
    if isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA_VERSION:
        raise located.error(("schema",), _("hardware report schema {schema} comes from a newer torch-setup; this one "
                                           "reads schema {supported}", schema=schema, supported=SCHEMA_VERSION),
                            _("upgrade torch-setup, or make the report again with this one: "
                              "`torch-setup detect --json > machine.json`"))
    raise located.error(("schema",), _("unsupported hardware report schema {schema}; expected {supported}",
                                       schema=json.dumps(schema, default=str), supported=SCHEMA_VERSION),
                        _detect_hint())


# The keys the contract (DESIGN.md, "Hardware report") says every report has, null where unknown. The model
# gives each a default, so that detection and tests can build a report piecemeal; a file is held to them,
# since a key deleted by hand otherwise read as "nothing there": a machine without its GPUs planned for CPU.
_REQUIRED = ("schema", "os", "gpus", "nvidia_driver", "secure_boot", "nouveau_loaded", "cuda_toolkits", "python")
_REQUIRED_IN: dict[str, tuple[str, ...]] = {  # the keys of an object
    "os": ("system", "id", "version_id", "kernel", "arch", "wsl", "container"),
    "nvidia_driver": ("version", "cuda"),
    "python": ("version", "executable"),
}
_REQUIRED_EACH: dict[str, tuple[str, ...]] = {  # the keys of each object in a list
    "gpus": ("index", "vendor", "name", "pci_id", "compute_capability", "memory_mib"),
    "cuda_toolkits": ("version", "path"),
}


def _sections(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], dict[str, Any], tuple[str, ...]]]:
    """(path, mapping, the keys it must have) for each part of the report the contract names keys of.
    A part of the wrong type (gpus not a list) is left to the model, which says so."""
    found: list[tuple[tuple[str | int, ...], dict[str, Any], tuple[str, ...]]] = [((), data, _REQUIRED)]
    for name, keys in _REQUIRED_IN.items():
        if isinstance(data.get(name), dict):  # nvidia_driver and python may be null
            found.append(((name,), data[name], keys))
    for name, keys in _REQUIRED_EACH.items():
        if isinstance(data.get(name), list):
            found += [((name, i), item, keys) for i, item in enumerate(data[name]) if isinstance(item, dict)]
    return found


def _missing_keys(located: Any, said: set[str | None]) -> list[InputError]:
    """An InputError for each key of the contract the file lacks, at the line of the object that lacks it;
    `said`: the keys already named (the model's own "this key is required")."""
    from installer.yamlfile import dotted

    missing = [path + (key,) for path, section, keys in _sections(located.data) for key in keys
               if key not in section and dotted(path + (key,)) not in said]
    message = _("this key is missing: every hardware report has it (null where unknown)")
    hint = _("record the machine again with `torch-setup detect --json > {file}`", file=located.file)
    # the one hint, on the first: the same line under each missing key buried the keys
    return [located.error(path, message, hint if i == 0 else None) for i, path in enumerate(missing)]


def _one_error(errors: list[InputError]) -> InputError:
    """The first error, with the others (at most MOST_PROBLEMS_SHOWN in all) in its `also`."""
    from installer.yamlfile import MOST_PROBLEMS_SHOWN

    first, *others = errors[:MOST_PROBLEMS_SHOWN]
    first.also = tuple(others)
    left = len(errors) - MOST_PROBLEMS_SHOWN
    if left > 0:
        first.message += " " + (_("(and {n} more problem)", n=left) if left == 1
                                else _("(and {n} more problems)", n=left))
    return first


def _json_text(path: Path) -> str | None:
    """The file's text, for the JSON parser's verdict; None when it cannot be read as text (the YAML
    loader has said why: not there, not a regular file, too big, not UTF-8)."""
    from installer.yamlfile import MAX_YAML_BYTES

    try:
        if not path.is_file() or path.stat().st_size > MAX_YAML_BYTES:  # is_file: never opens a fifo
            return None
        return path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return None


def _not_json(path: Path, data: Any, *, parsed: bool) -> InputError | None:
    """The file is not JSON, said with the JSON parser's line and column; None when it is JSON, or when
    check_schema says better what it is: empty, XML, another torch-setup document (an answers file is
    YAML), or a report written as YAML (`schema` and all), which has always loaded. `parsed`: whether
    the YAML loader read it (a file it refused, a README, a cut-off report, is judged as JSON)."""
    text = _json_text(path)
    if text is None or not text.strip():
        return None
    try:
        json.loads(text)
        return None
    except json.JSONDecodeError as exc:
        problem, line, column = exc.msg, exc.lineno, exc.colno
    except (ValueError, RecursionError):  # nested past the parser's depth: a JSON document all the same
        return None
    if parsed:
        if isinstance(data, str) and data.lstrip().startswith("<"):
            return None
        if isinstance(data, dict) and not text.lstrip().startswith("{"):
            if "schema" in data or any(k in data for keys, _kind in _LOOKALIKES for k in keys):
                return None
    return InputError(_("this file is not JSON: {problem} (line {line}, column {column})", problem=problem,
                        line=line, column=column), file=path, line=line, hint=_detect_hint())


def load_report(path: str | Path) -> HardwareReport:
    """Load a saved report (`--hardware F`); a bad file is an InputError naming the file, line and key."""
    from installer.yamlfile import MOST_PROBLEMS_SHOWN, load_yaml, pydantic_error

    try:
        located = load_yaml(path)  # JSON is YAML: one loader gives line numbers for both
    except InputError as exc:
        # not YAML either (a README, a report cut off half-way): say it in terms of the JSON a report is
        raise _not_json(Path(path), None, parsed=False) or exc from None
    not_json = _not_json(Path(path), located.data, parsed=True)
    if not_json is not None:
        raise not_json
    check_schema(located)
    errors: list[InputError] = []
    try:
        report = HardwareReport.model_validate(located.data)
    except ValidationError as exc:
        error = pydantic_error(located, exc, model=HardwareReport)
        if error.hint is None:
            error.hint = _("compare it with the output of `torch-setup detect --json`, which it should be")
        errors = [error, *error.also]
        error.also = ()
    if len(errors) < MOST_PROBLEMS_SHOWN:  # a full list already ends in its own "(and n more problems)"
        errors += _missing_keys(located, {e.key for e in errors})
    if errors:
        raise _one_error(errors)
    return report
