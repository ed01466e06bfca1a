"""The report as plain dicts, in exactly the shape and key order HardwareReport.to_dict() gives.

`detect --json` prints these without importing pydantic (its import is half of the 0.3 s budget);
tests/unit/hardware/test_hw_report.py checks, on every recorded machine, that validating the dict
through the model changes nothing. A field added to report.py needs its line here too.
"""

from __future__ import annotations

from typing import Any


def os_info(d: dict[str, Any]) -> dict[str, Any]:
    keys = ("system", "id", "version_id", "kernel", "arch", "wsl", "container", "pretty_name", "codename",
            "id_like", "container_kind")
    return {k: d.get(k) for k in keys}


def gpu(d: dict[str, Any]) -> dict[str, Any]:
    keys = ("index", "vendor", "name", "pci_id", "compute_capability", "memory_mib", "architecture", "chip",
            "compute_capability_source", "source", "pci_bus_id", "uuid", "kernel_driver", "gfx_target", "integrated")
    return {k: d.get(k) for k in keys}


def driver(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: d.get(k) for k in ("version", "cuda", "source", "cuda_source", "open_kernel_module")}


def toolkit(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in ("version", "path", "full_version")}


def python(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: d.get(k) for k in ("version", "executable", "prefix", "is_venv", "externally_managed", "site_packages",
                                  "site_writable", "conda_env")}


def tool(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: d.get(k) for k in ("path", "version", "kind")}


def pip(d: dict[str, Any]) -> dict[str, Any]:
    return {"index_url": d.get("index_url"), "extra_index_urls": list(d.get("extra_index_urls") or []),
            "find_links": list(d.get("find_links") or []), "trusted_hosts": list(d.get("trusted_hosts") or []),
            "no_index": bool(d.get("no_index")), "files": list(d.get("files") or []),
            "break_system_packages": bool(d.get("break_system_packages")), "sources": dict(d.get("sources") or {}),
            # only where the reader said: a report without it does not know whether the user set retries
            **({"retries": d["retries"]} if "retries" in d else {})}


def uv(d: dict[str, Any]) -> dict[str, Any]:
    return {"index_url": d.get("index_url"), "extra_index_urls": list(d.get("extra_index_urls") or []),
            "find_links": list(d.get("find_links") or []), "files": list(d.get("files") or []),
            "sources": dict(d.get("sources") or {})}


def conda(d: dict[str, Any]) -> dict[str, Any]:
    return {"channels": list(d.get("channels") or []), "default_channels": list(d.get("default_channels") or []),
            "channel_alias": d.get("channel_alias"), "custom_channels": dict(d.get("custom_channels") or {}),
            "files": list(d.get("files") or []), "sources": dict(d.get("sources") or {})}


def apt(d: dict[str, Any]) -> dict[str, Any]:
    return {"uris": list(d.get("uris") or []), "deb822": bool(d.get("deb822")), "files": list(d.get("files") or [])}


def headers(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"kernel": d.get("kernel"), "present": bool(d.get("present")), "path": d.get("path")}


def disk(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d.get(k) for k in ("path", "free_mib", "noexec")}


def torch(d: dict[str, Any] | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {k: d.get(k) for k in ("version", "local", "location", "installer", "torchvision", "torchaudio")}


def report(d: dict[str, Any]) -> dict[str, Any]:
    mc = d.get("mirror_config") or {}
    return {
        "schema": 1,
        "os": os_info(d.get("os") or {}),
        "gpus": [gpu(g) for g in d.get("gpus") or []],
        "nvidia_driver": driver(d.get("nvidia_driver")),
        "secure_boot": d.get("secure_boot"),
        "nouveau_loaded": d.get("nouveau_loaded"),
        "cuda_toolkits": [toolkit(t) for t in d.get("cuda_toolkits") or []],
        "python": python(d.get("python")),
        "mirror_config": {"pip": pip(mc.get("pip") or {}), "uv": uv(mc.get("uv") or {}),
                          "conda": conda(mc.get("conda") or {}), "apt": apt(mc.get("apt") or {})},
        "warnings": list(d.get("warnings") or []),
        "secure_boot_source": d.get("secure_boot_source"),
        "nvidia_module_loaded": d.get("nvidia_module_loaded"),
        "kernel_headers": headers(d.get("kernel_headers")),
        "gcc": tool(d.get("gcc")),
        "disk": {k: disk(v) for k, v in (d.get("disk") or {}).items()},
        "tmp_noexec": d.get("tmp_noexec"),
        "cudnn": [{"version": c.get("version"), "path": c.get("path")} for c in d.get("cudnn") or []],
        "nvcc": tool(d.get("nvcc")),
        "conda": [tool(c) for c in d.get("conda") or []],
        "pythons": [python(p) for p in d.get("pythons") or []],
        "uv": tool(d.get("uv")),
        "proxies": dict(d.get("proxies") or {}),
        "existing_torch": torch(d.get("existing_torch")),
        "overrides": list(d.get("overrides") or []),
        "root": d.get("root"),
        "probe_errors": dict(d.get("probe_errors") or {}),
    }
