"""CUDA toolkits installed system-wide (/usr/local/cuda-*, nvcc on PATH) and cuDNN."""

from __future__ import annotations

import json
import os
import re

from installer.hardware import root
from installer.hardware import run as _run

_RELEASE = re.compile(r"release (\d+\.\d+)(?:, V(\d+\.\d+\.\d+))?")


def _short(version: str) -> str:
    return ".".join(version.split(".")[:2])


def toolkit_version(prefix: str) -> tuple[str, str | None] | None:
    """(X.Y, full version) of a toolkit folder, from the files NVIDIA's installers leave there."""
    text = root.read_text(f"{prefix}/version.json")
    if text:
        try:
            full = json.loads(text)["cuda"]["version"]
            return _short(full), full
        except (ValueError, KeyError, TypeError):
            pass
    text = root.read_text(f"{prefix}/version.txt")
    if text:
        m = re.search(r"CUDA Version (\d+\.\d+(?:\.\d+)?)", text)
        if m:
            return _short(m.group(1)), m.group(1)
    # toolkits assembled from NVIDIA's wheels keep their dist-info folders
    for name in root.listdir(f"{prefix}/dist-info"):
        m = re.match(r"nvidia_cuda_nvcc(?:_cu\d+)?-(\d+\.\d+(?:\.\d+)*)\.dist-info$", name)
        if m:
            return _short(m.group(1)), m.group(1)
    m = re.search(r"cuda-(\d+\.\d+)$", prefix)
    if m and root.exists(f"{prefix}/bin/nvcc"):
        return m.group(1), None
    return None


def parse_nvcc(text: str) -> tuple[str, str | None] | None:
    m = _RELEASE.search(text)
    return (m.group(1), m.group(2)) if m else None


def toolkits() -> list[dict[str, str | None]]:
    """Every toolkit folder, each once (the /usr/local/cuda link is reported as the folder it points at)."""
    seen: dict[str, dict[str, str | None]] = {}
    candidates = root.glob("/usr/local/cuda-*") + ["/usr/local/cuda", "/opt/cuda", "/usr/lib/cuda"]
    for prefix in candidates:
        if not root.is_dir(prefix):
            continue
        real = root.strip(os.path.realpath(root.at(prefix)))
        if real in seen:
            continue
        found = toolkit_version(prefix)
        if found is None:
            continue
        seen[real] = {"version": found[0], "full_version": found[1], "path": real}
    return sorted(seen.values(), key=lambda t: [int(x) for x in str(t["version"]).split(".")], reverse=True)


def nvcc() -> dict[str, str | None] | None:
    exe = _run.which("nvcc")
    if not exe:
        return None
    out = _run.run([exe, "--version"], timeout=3.0)
    parsed = parse_nvcc(out.stdout) if out is not None and out.ok else None
    return {"path": exe, "version": parsed[0] if parsed else None}


_CUDNN_DEFINE = re.compile(r"#define CUDNN_(MAJOR|MINOR|PATCHLEVEL)\s+(\d+)")


def cudnn(toolkit_paths: list[str]) -> list[dict[str, str]]:
    """cuDNN from its version header (system or inside a toolkit), else from the library's file name."""
    headers = ["/usr/include/cudnn_version.h", "/usr/include/cudnn.h"]
    headers += root.glob("/usr/include/*-linux-gnu/cudnn_version*.h")
    for tk in toolkit_paths:
        headers += [f"{tk}/include/cudnn_version.h", f"{tk}/include/cudnn.h"]
    found: dict[str, dict[str, str]] = {}
    for header in headers:
        text = root.read_text(header, limit=65536)
        if not text:
            continue
        parts = dict(_CUDNN_DEFINE.findall(text))
        if "MAJOR" in parts:
            version = f"{parts['MAJOR']}.{parts.get('MINOR', '0')}.{parts.get('PATCHLEVEL', '0')}"
            found.setdefault(version, {"version": version, "path": header})
    if not found:
        libs = root.glob("/usr/lib/x86_64-linux-gnu/libcudnn.so.*") + root.glob("/usr/lib/aarch64-linux-gnu/libcudnn.so.*")
        for tk in toolkit_paths:
            libs += root.glob(f"{tk}/lib64/libcudnn.so.*")
        for lib in libs:
            m = re.search(r"libcudnn\.so\.(\d+(?:\.\d+){0,2})$", lib)
            if m:
                found.setdefault(m.group(1), {"version": m.group(1), "path": lib})
    return list(found.values())
