"""Loading the compatibility data files (read-only; cached for the life of the process)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from packaging.specifiers import SpecifierSet
from packaging.version import Version
from pydantic import BaseModel, ValidationError

from installer.compat.data_model import (
    AmdFile,
    BuildsFile,
    CudaBuild,
    DriversFile,
    Release,
    ReleasesFile,
    RocmBuild,
)
from installer.errors import TorchSetupError
from installer.i18n import _

DATA_DIR = Path(__file__).resolve().parent / "data"
FILES = ("releases.yaml", "builds.yaml", "drivers.yaml", "amd.yaml")

M = TypeVar("M", bound=BaseModel)


def _load(path: Path, model: type[M]) -> M:
    import yaml

    # Our own files: the C loader when present (ten times faster); line numbers only when something is wrong
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return model.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))  # noqa: S506
    except (ValidationError, yaml.YAMLError):
        pass
    from installer.yamlfile import load_yaml, pydantic_error

    located = load_yaml(path)
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        # a broken data file is our bug (or a bad `matrix update --write`), not the user's input
        err = pydantic_error(located, exc)
        raise TorchSetupError(_("compatibility data is invalid: {error}", error=err.render()),
                              hint=_("reinstall torch-setup, or revert the last `matrix update --write`")) from None


@dataclass(frozen=True)
class CompatData:
    releases: ReleasesFile
    builds: BuildsFile
    drivers: DriversFile
    amd: AmdFile

    def released(self) -> list[Release]:
        """Released versions, newest first."""
        return sorted((r for r in self.releases.releases if r.status == "released"),
                      key=lambda r: Version(r.torch), reverse=True)

    def release(self, version: str) -> Release | None:
        for r in self.releases.releases:
            if Version(r.torch) == Version(version):
                return r
        return None

    def cuda_build(self, variant: str, torch: str) -> CudaBuild | None:
        v = Version(torch)
        for b in self.builds.cuda:
            if b.variant == variant and v in SpecifierSet(b.torch):
                return b
        return None

    def rocm_build(self, variant: str, torch: str) -> RocmBuild | None:
        v = Version(torch)
        for b in self.builds.rocm:
            if b.variant == variant and v in SpecifierSet(b.torch):
                return b
        return None


def load_from(directory: Path) -> CompatData:
    return CompatData(
        releases=_load(directory / "releases.yaml", ReleasesFile),
        builds=_load(directory / "builds.yaml", BuildsFile),
        drivers=_load(directory / "drivers.yaml", DriversFile),
        amd=_load(directory / "amd.yaml", AmdFile),
    )


@cache
def load() -> CompatData:
    return load_from(DATA_DIR)
