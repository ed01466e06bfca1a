"""The hardware report: what detection found, in the shape of the `detect --json` contract.

Extra keys are allowed (a report from a newer torch-setup still loads); the keys below are the contract.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from installer.errors import InputError

SCHEMA_VERSION = 1
Vendor = Literal["nvidia", "amd", "intel", "apple"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class OSInfo(_Open):
    system: str | None = None
    id: str | None = None
    version_id: str | None = None
    kernel: str | None = None
    arch: str | None = None
    wsl: bool | None = False
    container: bool | None = False


class GPU(_Open):
    index: int
    vendor: Vendor
    name: str | None = None
    pci_id: str | None = None  # "10de:2684"
    compute_capability: str | None = None  # "8.9" (NVIDIA only)
    memory_mib: int | None = None


class NvidiaDriver(_Open):
    version: str
    cuda: str | None = None  # the newest CUDA this driver runs, as nvidia-smi reports it


class CudaToolkit(_Open):
    version: str
    path: str | None = None


class PythonInfo(_Open):
    version: str
    executable: str


class PipConfig(_Open):
    """The pip configuration already on the machine (`pip config list` plus PIP_* variables)."""

    index_url: str | None = None
    extra_index_urls: list[str] = Field(default_factory=list)
    find_links: list[str] = Field(default_factory=list)
    trusted_hosts: list[str] = Field(default_factory=list)


class MirrorConfig(_Open):
    pip: PipConfig = Field(default_factory=PipConfig)


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

    @property
    def nvidia_gpus(self) -> list[GPU]:
        return [g for g in self.gpus if g.vendor == "nvidia"]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


def load_report(path: str | Path) -> HardwareReport:
    """Load a saved report (`--hardware F`); a bad file is an InputError naming the file, line and key."""
    from installer.yamlfile import load_yaml, pydantic_error

    located = load_yaml(path)  # JSON is YAML: one loader gives line numbers for both
    if not isinstance(located.data, dict):
        raise located.error((), "a hardware report must be a JSON object (from `torch-setup detect --json`)")
    schema = located.data.get("schema")
    if schema != SCHEMA_VERSION:
        raise located.error(("schema",), f"unsupported hardware report schema {schema!r}; expected {SCHEMA_VERSION}")
    try:
        return HardwareReport.model_validate(located.data)
    except ValidationError as exc:
        raise pydantic_error(located, exc) from None


def report_from_dict(data: dict[str, Any], source: str = "<report>") -> HardwareReport:
    try:
        return HardwareReport.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"invalid hardware report: {exc.errors()[0]['msg']}", file=source,
                         key=".".join(str(x) for x in exc.errors()[0]["loc"])) from None
