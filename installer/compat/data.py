"""Loading the compatibility data files (read-only; cached for the life of the process)."""

from __future__ import annotations

from functools import cache, cached_property
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

    from installer.yamlfile import load_plain, load_yaml, pydantic_error

    # line numbers only when something is wrong
    try:
        return model.model_validate(load_plain(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError):
        pass

    located = load_yaml(path)
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        # a broken data file is our bug (or a bad `matrix update --write`), not the user's input
        err = pydantic_error(located, exc)
        raise TorchSetupError(_("compatibility data is invalid: {error}", error=err.render()),
                              hint=_("reinstall torch-setup, or revert the last `matrix update --write`")) from None


class CompatData:
    """The four data files of one directory. Each is read and validated when first used: a plan for a
    pinned CPU build needs only the releases, and start-up time is what a user waits for."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @cached_property
    def releases(self) -> ReleasesFile:
        return _load(self.directory / "releases.yaml", ReleasesFile)

    @cached_property
    def builds(self) -> BuildsFile:
        return _load(self.directory / "builds.yaml", BuildsFile)

    @cached_property
    def drivers(self) -> DriversFile:
        return _load(self.directory / "drivers.yaml", DriversFile)

    @cached_property
    def amd(self) -> AmdFile:
        return _load(self.directory / "amd.yaml", AmdFile)

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
    """All four files of `directory`, read and checked now (a broken file is reported here)."""
    data = CompatData(directory)
    for name in ("releases", "builds", "drivers", "amd"):
        getattr(data, name)
    return data


@cache
def load() -> CompatData:
    """The shipped data, each file read when first used, once per process."""
    return CompatData(DATA_DIR)
