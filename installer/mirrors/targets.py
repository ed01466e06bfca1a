"""What to fetch from each mirror: a small real resource for latency and content, a real file for speed.

Each kind has its own probe: PyPI a project page (`/simple/<project>/`, never the whole `/simple/`),
a PyTorch wheel index `<variant>/torch/` (or the flat folder), conda a slice of `repodata.json`, apt
the head of `InRelease`, CUDA the repo's `Release` or the head of a runfile, Miniforge the head of the
installer. The throughput sample is always a file the installer would really download.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, field, replace

from installer.mirrors.catalog import Catalog, Mirror
from installer.mirrors.urls import join

# magic bytes a real file of each sort starts with: a portal page answering 200 does not
MAGIC = {"wheel": b"PK\x03\x04", "gzip": b"\x1f\x8b", "script": b"#!", "json": b"{"}


# The suite names of the releases a saved report may describe without one (reports from before
# `os.codename` was recorded). Sources: https://wiki.ubuntu.com/Releases and
# https://www.debian.org/releases/ (checked 2026-12-03).
CODENAMES = {
    ("ubuntu", "20.04"): "focal", ("ubuntu", "22.04"): "jammy", ("ubuntu", "24.04"): "noble",
    ("ubuntu", "24.10"): "oracular", ("ubuntu", "25.04"): "plucky", ("ubuntu", "25.10"): "questing",
    ("debian", "11"): "bullseye", ("debian", "12"): "bookworm", ("debian", "13"): "trixie",
}


@dataclass(frozen=True)
class ProbeContext:
    """What the user needs, so that freshness means 'has what I will download'."""

    variant: str = "cpu"
    torch_version: str | None = None  # None: the newest that any live index lists
    pypi_project: str = "sympy"
    apt_suites: dict[str, str] = field(default_factory=lambda: {"ubuntu": "noble", "ubuntu-ports": "noble",
                                                                  "debian": "bookworm"})
    apt_arch: str = "amd64"
    apt_distros: tuple[str, ...] | None = None  # None: every distro in the catalog
    cuda_repo: str = "ubuntu2404/x86_64"
    runfile: str = "12.6.3/local_installers/cuda_12.6.3_560.35.05_linux.run"
    miniforge_installer: str = "Miniforge3-Linux-x86_64.sh"

    @classmethod
    def from_catalog(cls, catalog: Catalog, **overrides: object) -> ProbeContext:
        ctx = cls()
        pypi, apt, cuda, mf = (catalog.info(k) for k in ("pypi", "apt", "cuda", "miniforge"))
        ctx = replace(
            ctx,
            pypi_project=pypi.probe_project or ctx.pypi_project,
            apt_suites={**ctx.apt_suites, **apt.distro_suites},
            cuda_repo=cuda.cuda_repo or ctx.cuda_repo,
            runfile=cuda.runfile or ctx.runfile,
            miniforge_installer=mf.installer or ctx.miniforge_installer,
        )
        return replace(ctx, **overrides)  # type: ignore[arg-type]

    @classmethod
    def for_this_machine(cls, catalog: Catalog, **overrides: object) -> ProbeContext:
        """Probe the apt suite, CUDA repo and installer this machine would use (TORCH_SETUP_ROOT aware)."""
        from installer.hardware import osinfo

        os_release = osinfo.os_release()
        return cls.for_system(catalog, distro_id=os_release.get("ID", ""), version_id=os_release.get("VERSION_ID", ""),
                              codename=os_release.get("VERSION_CODENAME") or os_release.get("UBUNTU_CODENAME"),
                              arch=platform.machine(), id_like=os_release.get("ID_LIKE", ""),
                              system=platform.system(), **overrides)

    @classmethod
    def for_system(cls, catalog: Catalog, *, distro_id: str, version_id: str, codename: str | None, arch: str,
                   id_like: str = "", system: str = "Linux", **overrides: object) -> ProbeContext:
        """Probe what a machine of this distribution and architecture would use: this one, or the one a
        saved hardware report describes (the wizard's --hardware, whose apt mirrors are its distribution's).
        A system without apt (Rocky Linux, macOS) probes no apt mirror."""
        ctx = cls.from_catalog(catalog)
        arm = arch.lower() in ("aarch64", "arm64")
        changes: dict[str, object] = {
            "apt_arch": "arm64" if arm else "amd64",
            "miniforge_installer": f"Miniforge3-Linux-{'aarch64' if arm else 'x86_64'}.sh",
        }
        if distro_id in ("ubuntu", "debian"):
            distro = "ubuntu-ports" if distro_id == "ubuntu" and arm else distro_id
            changes["apt_distros"] = (distro,)
            codename = codename or CODENAMES.get((distro_id, version_id))
            if codename:
                changes["apt_suites"] = {**ctx.apt_suites, distro: codename}
            version = version_id.replace(".", "")
            if version:
                cuda_arch = "sbsa" if arm else "x86_64"
                changes["cuda_repo"] = f"{distro_id}{version}/{cuda_arch}"
        elif not uses_apt(distro_id, id_like, system):
            changes["apt_distros"] = ()
        changes.update(overrides)
        return replace(ctx, **changes)  # type: ignore[arg-type]

    def probes_apt_of(self, distro: str | None) -> bool:
        """Whether this context probes the apt mirrors of `distro` (every distro when none is known)."""
        return self.apt_distros is None or distro in self.apt_distros


def uses_apt(distro_id: str, id_like: str = "", system: str = "Linux") -> bool:
    """Whether a system installs its packages with apt: Debian, Ubuntu and those built on them (their
    os-release ID_LIKE names one), or a Linux whose distribution is not known (its apt mirrors may still
    serve it)."""
    from installer.hardware.osinfo import family

    return system == "Linux" and (not distro_id or family(distro_id, id_like) == "debian")


@dataclass(frozen=True)
class Target:
    """One mirror's probe: the small resource, how to read it, and what a user would configure."""

    check: str  # pypi-index | torch-pep503 | torch-flat | release | repodata | script
    url: str  # the small resource fetched for latency and content
    config_url: str  # the URL a user would configure (index URL, channel, archive root)
    range_bytes: int | None = None  # fetch only the head of a big file
    sample_url: str | None = None  # known up front (conda, apt, cuda, miniforge); index pages name it
    sample_magic: bytes = b""
    alt_url: str | None = None  # the other layout of a torch index, tried on a 404


def target_for(mirror: Mirror, ctx: ProbeContext) -> Target | None:
    """The probe for this mirror, or None when it does not apply to this machine (another distro)."""
    kind = mirror.kind
    if kind == "pypi":
        return Target("pypi-index", join(mirror.url, f"{ctx.pypi_project}/"), mirror.url,
                      sample_magic=MAGIC["wheel"])
    if kind == "pytorch":
        base = mirror.variant_url(ctx.variant)
        pep503, flat = join(base, "torch/"), base + "/"
        if mirror.layout == "flat":
            return Target("torch-flat", flat, base, sample_magic=MAGIC["wheel"], alt_url=pep503)
        return Target("torch-pep503", pep503, base, sample_magic=MAGIC["wheel"], alt_url=flat)
    if kind == "conda":
        return Target("repodata", join(mirror.url, "noarch/repodata.json"), mirror.url, range_bytes=65536,
                      sample_url=join(mirror.url, "linux-64/repodata.json"), sample_magic=MAGIC["json"])
    if kind == "apt":
        assert mirror.distro is not None
        if not ctx.probes_apt_of(mirror.distro):
            return None
        suite = ctx.apt_suites.get(mirror.distro, "noble")
        arch = "arm64" if mirror.distro == "ubuntu-ports" else ctx.apt_arch
        return Target("release", join(mirror.url, f"dists/{suite}-updates/InRelease"), mirror.url,
                      range_bytes=16384, sample_url=join(mirror.url, f"dists/{suite}/main/binary-{arch}/Packages.gz"),
                      sample_magic=MAGIC["gzip"])
    if kind == "cuda":
        if mirror.repo == "runfile":
            url = join(mirror.url, ctx.runfile)
            return Target("script", url, mirror.url, range_bytes=1024, sample_url=url, sample_magic=MAGIC["script"])
        repo = join(mirror.url, ctx.cuda_repo)
        return Target("release", join(repo, "Release"), repo, range_bytes=16384,
                      sample_url=join(repo, "Packages.gz"), sample_magic=MAGIC["gzip"])
    if kind == "miniforge":
        url = join(mirror.url, ctx.miniforge_installer)
        return Target("script", url, url, range_bytes=1024, sample_url=url, sample_magic=MAGIC["script"])
    return None
