"""Does torch work in this interpreter, and on which devices? Prints one JSON document.

Run BY THE TARGET INTERPRETER, by path: `python installer/probes/verify.py --json`. It uses only the
standard library and torch, and stays compatible with Python 3.8 (older envs get checked too). The host
(torch-setup itself) never imports this file: it reads the JSON (installer/probes/host.py).

Every check is {name, ok, level, detail, fix}: `level` "error" fails the verdict, "warning" is shown
but does not; `fix` says what a person does next. Messages are written through `_()` so the host can
translate them: each carries its English text plus the template and values (`detail_msg`, `fix_msg`).
"""

import argparse
import ctypes
import importlib
import json
import os
import platform
import re
import subprocess
import sys
import time
import traceback
import warnings
from shlex import quote

SCHEMA = 1
HERE = os.path.dirname(os.path.abspath(__file__))

# GPUs built for one SoC (Jetson) only run their own cubins: NVIDIA's same-major rule does not reach them
_EXACT_ONLY_CC = {53, 62, 72, 87, 101}
# CUDA 13 builds need a 580+ driver; older majors run on any driver of their major through minor-version
# compatibility (NVIDIA "CUDA Compatibility": 13.x >= 580, 12.x >= 525, 11.x >= 450.80.02)
_MIN_DRIVER_FOR_CUDA_MAJOR = {13: "580.65.06", 12: "525.60.13", 11: "450.80.02"}


def _(text, **values):
    """A message: its English text now, its template and values for the host's translation."""
    return {"text": text, "args": values}


def _fmt(msg):
    if msg is None:
        return None
    return msg["text"].format(**msg["args"]) if msg["args"] else msg["text"]


class Checks:
    def __init__(self):
        self.items = []

    def add(self, name, ok, detail, fix=None, level="error", reinstall=None, pip=None):
        """`reinstall` ({"torch": "2.13.0", "variant": "cu126"}): the fix is a reinstall of that build. This
        file cannot write the command (it does not know the interpreter torch-setup runs in, whose pip
        works where the target has none, nor which builds exist): the host writes it from this. `pip` (["numpy<2"]):
        the fix is `pip install` with these arguments, which the host writes with its own pip the same way."""
        item = {
            "name": name, "ok": bool(ok), "level": level,
            "detail": _fmt(detail), "fix": None if ok else _fmt(fix),
            "detail_msg": detail, "fix_msg": None if ok else fix,
        }
        if reinstall and not ok:
            item["reinstall"] = reinstall
        if pip and not ok:
            item["pip"] = pip
        self.items.append(item)

    def verdict(self):
        return all(c["ok"] or c["level"] != "error" for c in self.items)


def _clean(text):
    """torch's messages carry C++ source locations and URLs in parentheses: keep the sentence."""
    text = re.sub(r"\s*\(Triggered internally at [^)]*\)\.?", "", str(text))
    return " ".join(text.split())


def _variant_of(torch):
    local = torch.__version__.partition("+")[2]
    if local:
        return local  # "cpu", "cu126", "rocm6.2", "xpu"
    if getattr(torch.version, "cuda", None):
        major, minor = torch.version.cuda.split(".")[:2]
        return f"cu{major}{minor}"
    if getattr(torch.version, "hip", None):
        return "rocm" + ".".join(torch.version.hip.split(".")[:2])
    if getattr(torch.version, "xpu", None):
        return "xpu"
    if sys.platform == "darwin":
        return "mps" if platform.machine() == "arm64" else "cpu"
    return "cpu"


def _expected_matches(expected, variant):
    if expected in (None, "", "auto"):
        return True
    if expected in ("cuda", "gpu"):
        return variant.startswith(("cu", "rocm", "xpu"))
    return expected == variant


def _cc_int(capability):
    return capability[0] * 10 + capability[1]


def kernel_match(capability, arch_list):
    """Which entry of the build's arch list runs on a device of this capability, and how.

    Returns ("sm_86", "cubin") for a binary match (NVIDIA: a cubin for X.y runs on X.z, z >= y, except
    on SoC parts and arch-specific "a"/"f" builds), ("compute_90", "ptx") when only PTX can be JIT
    compiled for it, or (None, None).
    """
    device = _cc_int(capability)
    best = (None, None)
    for entry in arch_list:
        m = re.match(r"^(sm|compute)_(\d+)([af]?)$", entry)
        if not m:
            continue
        kind, code, suffix = m.group(1), int(m.group(2)), m.group(3)
        if kind == "sm":
            if code == device:
                return entry, "cubin"
            if suffix or device in _EXACT_ONLY_CC or code in _EXACT_ONLY_CC:
                continue
            if code // 10 == device // 10 and code < device:
                best = (entry, "cubin")
        elif kind == "compute" and code <= device and best[0] is None and not suffix:
            best = (entry, "ptx")
    return best


def suggest_variant(capability, driver_cuda=None):
    """The wheel variant whose kernels cover a GPU (research: compat.md section B, drop/add summary).

    Only a hint for the message: `torch-setup recommend` and `doctor` weigh the driver and the release.
    """
    cc = _cc_int(capability)
    if cc < 50:
        return None  # Kepler and older: no current wheel has kernels for them
    if cc < 75:
        return "cu126"  # Maxwell, Pascal, Volta: only the cu126 builds still carry them
    if cc >= 100:
        # Blackwell: cu128 and newer; cu13x builds need a driver that offers CUDA 13
        new_driver = driver_cuda is None or int(str(driver_cuda).split(".")[0]) >= 13
        return "cu130" if new_driver else "cu128"
    return "cu126"


def _at(path):
    """A machine path under TORCH_SETUP_ROOT when it is set (the design's fake root for tests)."""
    root = os.environ.get("TORCH_SETUP_ROOT", "").rstrip("/")
    return root + path if root else path


def _read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


def nvidia_hardware_seen():
    """Signs of an NVIDIA GPU whatever torch says: a display/3D PCI device of vendor 10de, a device node."""
    seen = []
    base = _at("/sys/bus/pci/devices")
    try:
        entries = sorted(os.listdir(base))
    except OSError:
        entries = []
    for entry in entries:
        vendor = (_read(os.path.join(base, entry, "vendor")) or "").strip().lower()
        klass = (_read(os.path.join(base, entry, "class")) or "").strip().lower()
        if vendor == "0x10de" and klass.startswith("0x03"):
            seen.append("pci " + entry)
    if os.path.exists(_at("/dev/nvidia0")):
        seen.append("/dev/nvidia0")
    return seen


def _driver_from_proc():
    text = _read(_at("/proc/driver/nvidia/version"))
    if not text:
        return None
    m = re.search(r"Kernel Module(?:\s+for\s+\S+)?\s+(\d+\.\d+(?:\.\d+)?)", text)
    return m.group(1) if m else None


def _cuda_from_int(value):
    """12080 -> "12.8" (the CUDA API version a driver offers, as cudaDriverGetVersion gives it)."""
    if not value:
        return None
    return f"{value // 1000}.{(value % 1000) // 10}"


def _driver_api_version(torch):
    """The CUDA version the driver offers (12080 for 12.8), as cuDriverGetVersion says; None without one.

    torch 1.x answered it with torch._C._cuda_getDriverVersion; torch 2.x has no such call (seen on
    2.11.0+cu130 on an H200 and on 2.13.0+cpu), so the driver's own library is asked: cuDriverGetVersion
    needs no cuInit and no usable GPU, only libcuda, which a CUDA build has loaded already anyway.
    """
    old = getattr(torch._C, "_cuda_getDriverVersion", None)
    if old is not None:
        try:
            return int(old()) or None
        except Exception:
            pass
    for name in ("nvcuda.dll",) if os.name == "nt" else ("libcuda.so.1", "libcuda.so"):
        try:
            lib = ctypes.CDLL(name)
            version = ctypes.c_int(0)
            if lib.cuDriverGetVersion(ctypes.byref(version)) == 0 and version.value > 0:
                return version.value
        except (OSError, AttributeError):
            continue
    return None


def _loaded_libraries():
    """Shared libraries of the CUDA stack mapped into this process, from /proc/self/maps."""
    text = _read("/proc/self/maps") or ""
    wanted = re.compile(r"/lib(cudart|cublas|cublasLt|cudnn[a-z_]*|nccl|nvrtc|cusparse|cufft|curand|"
                        r"cusolver|nvJitLink|cuda|nvidia-ml)\.so[.\d]*$")
    found = {}
    for line in text.splitlines():
        parts = line.split(None, 5)
        if len(parts) == 6 and wanted.search(parts[5]):
            path = parts[5].strip()
            found.setdefault(os.path.basename(path), path)
    return found


def _site_of(torch):
    return os.path.dirname(os.path.dirname(os.path.abspath(torch.__file__)))


def _shadowing(libs, torch):
    """CUDA runtime libraries loaded from outside the environment (the driver's libcuda is expected there)."""
    site = _site_of(torch)
    prefix = os.path.abspath(sys.prefix)
    out = []
    for name, path in sorted(libs.items()):
        if name.startswith(("libcuda.so", "libnvidia-ml")):
            continue
        real = os.path.abspath(path)
        if not (real.startswith(site + os.sep) or real.startswith(prefix + os.sep)):
            out.append(path)
    return out


def _hollow(torch):
    """Why the `torch` that imported is not torch: a folder without its __init__.py imports as a namespace
    package (no __file__, no __version__), and every use of it fails later (found in use: "the verify probe
    itself failed: module 'torch' has no attribute '__version__'"). (code, folder) for a broken torch, None
    for a real one: the words are the host's to write, in the reader's language (this file cannot import
    installer.i18n, and its own English stayed English in Chinese output: found in use)."""
    if getattr(torch, "__file__", None) and hasattr(torch, "__version__"):
        return None
    where = ", ".join(str(p) for p in (getattr(torch, "__path__", None) or [])) or "?"
    if getattr(torch, "__file__", None):  # an __init__.py that is not torch's (cut short, overwritten)
        return "no-version", where
    return "no-init", where


# what each code of a torch that imports but is not torch says: `import_error` keeps these English words (the
# contract as it was; readers decide by import_error_code), the check carries the template for the host to translate
_HOLLOW = {
    "no-init": ("ImportError: torch in {path} has no __init__.py (half installed, files are missing)",
                _("torch does not import: torch in {path} has no __init__.py (half installed, files are missing)")),
    "no-version": ("ImportError: torch in {path} has no __version__ (its files are damaged)",
                   _("torch does not import: torch in {path} has no __version__ (its files are damaged)")),
}


def import_error_code(message, ld=None):
    """What kind of failure an `import torch` message is, for programs reading `verify --json`:
    not-installed, ld-library-path, library (a shared library missing or broken), or error (anything else).
    The torches that import but are not torch have their own codes (no-init, no-version: `_hollow`)."""
    if "No module named 'torch'" in message:
        return "not-installed"
    if ld and (".so" in message or "undefined symbol" in message):
        return "ld-library-path"
    if ".so" in message:
        return "library"
    return "error"


def _import_failure_fix(code, exe):
    ld = os.environ.get("LD_LIBRARY_PATH")
    if code == "not-installed":
        return _("torch is not installed in {python}: install it with `torch-setup install --answers FILE` "
                 "or run `torch-setup` for the wizard", python=exe)
    if code == "ld-library-path":
        return _("a library torch needs was taken from LD_LIBRARY_PATH ({ld}): run again with it unset "
                 "(`env -u LD_LIBRARY_PATH ...`); if that works, remove those folders from it for good", ld=ld)
    if code == "no-init":
        return _("torch in {python} is half installed (files are missing): reinstall it "
                 "(`torch-setup doctor --python {python}` gives the command)", python=quote(exe))
    if code == "library":
        return _("a shared library that torch needs is missing or broken: reinstall torch "
                 "(`torch-setup doctor --python {python}` gives the command)", python=quote(exe))
    return _("reinstall torch in {python}; `torch-setup doctor --python {python}` explains more", python=quote(exe))


# a requirement on torch itself in a Requires-Dist line ("torch==2.13.0", "torch (==2.13.0)"), not torchdata
_TORCH_REQUIREMENT = re.compile(r"^\s*torch\s*(?:[(<>=!~;\[]|$)")


def _companion_checks():
    """torchvision and torchaudio as they stand beside this torch: version, what their metadata requires of
    torch (the host judges the pin), and whether they import. Found in use: a torchvision pinned to another
    torch, and PyPI's torchvision (built for the CUDA torch) beside a +cpu one, both failed `import
    torchvision` ("operator torchvision::nms does not exist") while verify and doctor saw only a version.
    Imported here, after torch, as a program would: the error is the one a person meets."""
    try:
        from importlib import metadata
    except ImportError:  # Python < 3.8: not known
        return None
    found = {}
    for name in ("torchvision", "torchaudio"):
        try:
            dist = metadata.distribution(name)
            version = dist.version
            requires = [r for r in (dist.requires or []) if _TORCH_REQUIREMENT.match(r)]
        except Exception:  # not installed, or metadata too broken to read
            continue
        error = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                importlib.import_module(name)
        except BaseException as exc:  # an ImportError, the RuntimeError of a missing operator, an OSError
            error = _clean(f"{type(exc).__name__}: {exc}")
        found[name] = {"version": version, "requires_torch": requires, "import_error": error}
    return found


def _numpy_section(torch, result, checks, warning):
    """Does torch hand tensors to NumPy and back? torch's wheel does not require NumPy, so an install with
    no torchvision has none, and `import torch` then warns "Failed to initialize NumPy" (pytorch/pytorch
    #115638). Found in use: the first command the wizard's Done screen gives printed that warning, which
    verify never showed. `warning` is what torch said of NumPy at import: it names the cause when NumPy is
    installed but does not fit the build (a torch built against NumPy 1.x beside NumPy 2 says "_ARRAY_API
    not found", pytorch/pytorch#135013; a NumPy older than the build says "module compiled against API
    version"). A warning, not an error: torch itself works, only its NumPy bridge does not.

    `pip` on the check: the arguments after `pip install` that mend it; where this environment has no pip of
    its own (`python.pip` false: one made by `uv venv`), the host puts its own command in the fix's `cmd`
    (installer.probes.host)."""
    info = result["numpy"] = {"version": None, "works": False, "error": None}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            numpy = importlib.import_module("numpy")
        info["version"] = str(getattr(numpy, "__version__", "?"))
    except ImportError as exc:
        missing = "No module named 'numpy'" in str(exc)
        info["error"] = _clean(f"{type(exc).__name__}: {exc}")
        if missing:
            checks.add("numpy", False,
                       _("NumPy is not installed here: torch works without it, but says \"Failed to initialize "
                         "NumPy\" when imported, and tensor.numpy() and torch.from_numpy() fail"),
                       _("if your code uses NumPy, install it: `{cmd}`", cmd=_pip_line(["numpy"])),
                       level="warning", pip=["numpy"])
            return
    except Exception as exc:  # a NumPy that is there but broken (a missing .so, a half-removed folder)
        info["error"] = _clean(f"{type(exc).__name__}: {exc}")
    if info["version"] is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.tensor([1.0]).numpy()
            info["works"] = True
            return
        except Exception as exc:  # "Numpy is not available": the reason is in torch's import warning
            info["error"] = _clean(f"{type(exc).__name__}: {exc}")
    # NumPy's own import error is a page of advice; its last sentence names what broke
    why = (warning or info["error"]).split("Original error was:")[-1].strip()
    version = info["version"]
    if version is None:
        checks.add("numpy", False,
                   _("NumPy does not import here, so tensor.numpy() and torch.from_numpy() fail: {why}", why=why),
                   _("reinstall NumPy: `{cmd}`", cmd=_pip_line(["--force-reinstall", "numpy"])),
                   level="warning", pip=["--force-reinstall", "numpy"])
    elif "_ARRAY_API not found" in why or "compiled using NumPy 1.x" in why:
        checks.add("numpy", False,
                   _("this torch was built against NumPy 1.x and cannot use NumPy {version}: tensor.numpy() and "
                     "torch.from_numpy() fail ({why})", version=version, why=why),
                   _("install a NumPy 1.x beside it (`{cmd}`), or a newer torch", cmd=_pip_line(["numpy<2"])),
                   level="warning", pip=["numpy<2"])
    elif "module compiled against API version" in why:
        checks.add("numpy", False,
                   _("NumPy {version} is older than this torch was built for: tensor.numpy() and "
                     "torch.from_numpy() fail ({why})", version=version, why=why),
                   _("upgrade NumPy: `{cmd}`", cmd=_pip_line(["--upgrade", "numpy"])),
                   level="warning", pip=["--upgrade", "numpy"])
    else:
        checks.add("numpy", False,
                   _("torch cannot use NumPy {version} here: tensor.numpy() and torch.from_numpy() fail ({why})",
                     version=version, why=why),
                   _("reinstall NumPy: `{cmd}`", cmd=_pip_line(["--force-reinstall", "numpy"])),
                   level="warning", pip=["--force-reinstall", "numpy"])


def _pip_line(args):
    return " ".join(quote(a) for a in [sys.executable, "-m", "pip", "install", *args])


def _has_pip():
    """Whether this environment has a pip of its own (one made by `uv venv` has none): when it has, its fixes
    say `python -m pip install`, the command a person would type there; when not, the host writes its own."""
    try:
        import importlib.util
        return importlib.util.find_spec("pip") is not None
    except Exception:  # a broken sys.path entry
        return False


def _device_for(kind, index):
    return f"{kind}:{index}" if kind != "mps" else "mps"


def _check_matmul(torch, device, n=64):
    """A small fp32 matmul on the device, against the same product in float64 on the CPU."""
    g = torch.Generator().manual_seed(1234)
    a = torch.randn(n, n, generator=g)
    b = torch.randn(n, n, generator=g)
    ref = a.double() @ b.double()
    out = (a.to(device) @ b.to(device)).cpu().double()
    err = (out - ref).abs().max().item()
    scale = max(1.0, ref.abs().max().item())
    return err, err <= 1e-3 * scale


def _check_conv(torch, device):
    """A real convolution through cuDNN on the device, against the CPU."""
    F = torch.nn.functional
    g = torch.Generator().manual_seed(99)
    x = torch.randn(2, 3, 16, 16, generator=g)
    w = torch.randn(8, 3, 3, 3, generator=g)
    ref = F.conv2d(x.double(), w.double(), padding=1)
    with torch.backends.cudnn.flags(enabled=True, benchmark=False, deterministic=True, allow_tf32=False):
        out = F.conv2d(x.to(device), w.to(device), padding=1).cpu().double()
    err = (out - ref).abs().max().item()
    return err, err <= 1e-3 * max(1.0, ref.abs().max().item())


def _check_low_precision(torch, device, dtype):
    g = torch.Generator().manual_seed(7)
    a = torch.randn(64, 64, generator=g)
    b = torch.randn(64, 64, generator=g)
    ref = a.double() @ b.double()
    out = (a.to(device=device, dtype=dtype) @ b.to(device=device, dtype=dtype)).cpu().double()
    err = (out - ref).abs().max().item()
    return err, err <= 0.05 * max(1.0, ref.abs().max().item())


def _safe(fn, *args):
    """Run one device operation; a failure becomes (None, message) instead of ending the probe."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args), None
    except Exception as exc:  # any failure of torch on a device is the finding itself
        return None, _clean(exc).split(" CUDA kernel errors might")[0]


def _cuda_section(torch, result, checks, args):
    cuda = result["cuda"]
    caught = []
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        available = bool(torch.cuda.is_available())
        count = int(torch.cuda.device_count()) if available else 0
        caught.extend(str(w.message) for w in rec)
    cuda["is_available"] = available
    cuda["device_count"] = count
    cuda["warnings"] = [_clean(w) for w in caught if "CUDA" in str(w) or "GPU" in str(w)]
    cuda["visible_devices"] = os.environ.get("CUDA_VISIBLE_DEVICES")
    try:
        result["arch_list"] = list(torch.cuda.get_arch_list())
    except Exception:
        result["arch_list"] = []
    if not result["arch_list"] and hasattr(torch._C, "_cuda_getArchFlags"):
        # before torch 2.x's get_arch_list() worked without a GPU, the flags still said it
        flags = torch._C._cuda_getArchFlags()
        result["arch_list"] = flags.split() if flags else []

    cuda["driver_version"] = _driver_from_proc()
    cuda["driver_cuda"] = None if torch.version.hip else _cuda_from_int(_driver_api_version(torch))
    cuda["runtime"] = torch.version.cuda or torch.version.hip

    if not available:
        reason = None
        try:
            torch.cuda.init()
        except Exception as exc:
            reason = _clean(exc)
        if not reason:
            reason = cuda["warnings"][0] if cuda["warnings"] else "no CUDA device was found"
        # torch's message goes on with download URLs: the first sentence carries the reason
        first = re.match(r"(.+?\.)(?:\s|$)", reason)
        cuda["error"] = first.group(1) if first and "found version" in first.group(1) else reason
        cuda["error_full"] = reason
        m = re.search(r"found version (\d+)", reason)
        if m and not cuda["driver_cuda"]:
            cuda["driver_cuda"] = _cuda_from_int(int(m.group(1)))
    else:
        cuda["error"] = None
    return available, count


def _availability_check(result, checks, gpu_expected):
    cuda = result["cuda"]
    variant = result["variant"]
    if cuda["is_available"]:
        checks.add("gpu-available", True, _("{n} GPU(s) usable through {api} {runtime}",
                                             n=cuda["device_count"], api="ROCm" if result["hip_build"] else "CUDA",
                                             runtime=cuda["runtime"]))
        return
    reason = cuda.get("error") or ""
    visible = cuda.get("visible_devices")
    if visible is not None and visible.strip() in ("", "-1", "none", "NoDevFiles"):
        fix = _("CUDA_VISIBLE_DEVICES={value!r} hides every GPU: unset it or list the GPUs to use",
                value=visible)
    elif "too old" in reason:
        need = _MIN_DRIVER_FOR_CUDA_MAJOR.get(int(str(cuda["runtime"]).split(".")[0]), None)
        fix = _("the NVIDIA driver offers CUDA {have}, this build needs CUDA {need_cuda}: upgrade the driver "
                "(>= {need}) or install a build for CUDA {have} or older; `torch-setup recommend` shows which",
                have=cuda.get("driver_cuda") or "?", need_cuda=cuda["runtime"], need=need or "a newer branch")
    elif "no NVIDIA driver" in reason or "Found no NVIDIA driver" in reason:
        fix = _("no NVIDIA driver is loaded: install one (`torch-setup recommend` says which branch) or, "
                "if it is installed, see `torch-setup doctor` (nouveau, Secure Boot)")
    else:
        fix = _("run `torch-setup doctor --python {python}`: it looks at the driver, the kernel module and "
                "the libraries", python=quote(sys.executable))
    seen = nvidia_hardware_seen()
    cuda["hardware_seen"] = seen
    hardware_seen = bool(cuda.get("driver_version")) or "too old" in reason or bool(seen)
    if gpu_expected or hardware_seen:
        checks.add("gpu-available", False,
                   _("this is a {variant} build but no GPU is usable: {reason}", variant=variant,
                     reason=reason or "unknown reason"), fix)
        return
    # no NVIDIA device anywhere on this machine: torch works, on the CPU, with GPU libraries it cannot use
    base = result["torch_version"].split("+")[0]
    checks.add("gpu-available", False,
               _("this is a {variant} build, but this machine shows no NVIDIA GPU: torch runs on the CPU",
                 variant=variant),
               _("a CPU build is much smaller: torch {base} from https://download.pytorch.org/whl/cpu "
                 "(`torch-setup verify --python {python}` writes the command)", base=base, python=quote(sys.executable)),
               level="warning", reinstall={"torch": base, "variant": "cpu"})


def _device_checks(torch, result, checks, count, kind):
    arch_list = result["arch_list"]
    tf32_flag = None
    if kind == "cuda":
        tf32_flag = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = False  # the reference check must be full fp32
    for i in range(count):
        device = _device_for(kind, i)
        entry = {"index": i, "type": kind}
        result["devices"].append(entry)
        if kind == "cuda":
            props = torch.cuda.get_device_properties(i)
            cap = tuple(torch.cuda.get_device_capability(i))
            entry.update(name=torch.cuda.get_device_name(i), capability="{}.{}".format(*cap),
                         memory_mib=int(props.total_memory // (1024 * 1024)),
                         multiprocessors=getattr(props, "multi_processor_count", None))
            if not result["hip_build"]:
                sm = "sm_{}{}".format(*cap)
                match, how = kernel_match(cap, arch_list)
                entry["kernels"] = {"needed": sm, "match": match, "how": how}
                if how == "cubin":
                    checks.add(f"kernels-{i}", True,
                               _("GPU {i} ({name}) is {sm}: this build has {match} kernels for it",
                                 i=i, name=entry["name"], sm=sm, match=match))
                elif how == "ptx":
                    checks.add(f"kernels-{i}", False,
                               _("GPU {i} ({name}) is {sm}: no sm kernels for it, only {match} PTX that is "
                                 "compiled at first use (slow start, and it needs a driver as new as the build)",
                                 i=i, name=entry["name"], sm=sm, match=match),
                               _("install a build with {sm} kernels; `torch-setup recommend` shows which", sm=sm),
                               level="warning")
                else:
                    variant = suggest_variant(cap, result["cuda"].get("driver_cuda"))
                    fix = (_("no kernels for {sm} in this build: install a {variant} build, see "
                             "`torch-setup recommend`", sm=sm, variant=variant) if variant else
                           _("no current PyTorch wheel has kernels for {sm}: an older torch (see "
                             "`torch-setup recommend`) or a build from source is needed", sm=sm))
                    checks.add(f"kernels-{i}", False,
                               _("GPU {i} ({name}) is {sm}; this build has kernels for {archs} only",
                                 i=i, name=entry["name"], sm=sm, archs=" ".join(arch_list) or "nothing"), fix)
            bf16 = cap >= (8, 0) or bool(result["hip_build"])
            entry["tf32"] = cap >= (8, 0) and not result["hip_build"]
            entry["bf16"] = bf16
        else:
            entry["name"] = kind
        value, error = _safe(_check_matmul, torch, device)
        if error is None:
            err, ok = value
            entry["matmul"] = {"ok": ok, "max_abs_error": err}
            checks.add(f"matmul-{i}", ok,
                       _("fp32 matmul on {device} matches the CPU (max error {err:.2e})", device=device, err=err)
                       if ok else
                       _("fp32 matmul on {device} differs from the CPU (max error {err:.2e})",
                         device=device, err=err),
                       _("the GPU computes wrong results: check its clocks and memory (`nvidia-smi -q -d "
                         "CLOCK,ECC`), reseat it, or try another driver"))
        else:
            entry["matmul"] = {"ok": False, "error": error}
            fix = (_("no kernels for this GPU in the build: install a {variant} build, see `torch-setup recommend`",
                     variant=suggest_variant(tuple(int(x) for x in entry.get("capability", "0.0").split(".")),
                                             result["cuda"].get("driver_cuda"))
                     or "newer")
                   if "no kernel image" in error else
                   _("run `torch-setup doctor`; the message above comes from the driver or the CUDA libraries"))
            checks.add(f"matmul-{i}", False,
                       _("fp32 matmul on {device} failed: {error}", device=device, error=error), fix)
        if kind == "cuda" and entry.get("bf16") and entry["matmul"].get("ok"):
            value, error = _safe(_check_low_precision, torch, device, torch.bfloat16)
            entry["bf16_matmul"] = {"ok": bool(value and value[1]), "error": error}
    if tf32_flag is not None:
        torch.backends.cuda.matmul.allow_tf32 = tf32_flag


def _cudnn_section(torch, result, checks):
    cudnn = torch.backends.cudnn
    info = {"available": bool(cudnn.is_available()), "version": None, "enabled": bool(cudnn.enabled)}
    result["cudnn"] = info
    try:
        info["version"] = cudnn.version()
    except Exception:
        info["version"] = None
    usable = [d for d in result["devices"] if d["type"] == "cuda" and d.get("matmul", {}).get("ok")]
    if not usable or result["hip_build"]:
        return
    if not info["available"]:
        checks.add("cudnn", False, _("cuDNN is not available to this CUDA build"),
                   _("reinstall torch so its nvidia-cudnn package comes with it (`torch-setup verify --python "
                     "{python}` writes the command)", python=quote(sys.executable)),
                   reinstall={"torch": torch.__version__.split("+")[0], "variant": result["variant"]})
        return
    value, error = _safe(_check_conv, torch, "cuda:{}".format(usable[0]["index"]))
    if error is None and value[1]:
        info["conv_ok"] = True
        checks.add("cudnn", True, _("cuDNN {version}: a convolution on the GPU matches the CPU",
                                    version=info["version"]))
    else:
        info["conv_ok"] = False
        detail = error or f"max error {value[0]:.2e}"
        checks.add("cudnn", False, _("a cuDNN convolution failed: {error}", error=detail),
                   _("another cuDNN may be shadowing the wheel's: unset LD_LIBRARY_PATH and retry; then "
                     "`torch-setup doctor`"))


def _nccl_section(torch, result, checks):
    usable = [d for d in result["devices"] if d["type"] == "cuda" and d.get("matmul", {}).get("ok")]
    if len(usable) < 2:
        return
    info = {"available": False, "version": None}
    result["nccl"] = info
    try:
        nccl = importlib.import_module("torch.cuda.nccl")
        version = nccl.version()
        info["version"] = ".".join(str(x) for x in version) if isinstance(version, tuple) else str(version)
        tensors = [torch.full((1024,), float(d["index"] + 1), device="cuda:{}".format(d["index"]))
                   for d in usable]
        info["available"] = bool(nccl.is_available(tensors))
        nccl.all_reduce(tensors)
        for d in usable:
            torch.cuda.synchronize(d["index"])
        expected = float(sum(d["index"] + 1 for d in usable))
        ok = all(abs(t[0].item() - expected) < 1e-3 for t in tensors)
        checks.add("nccl", ok, _("NCCL {version}: an all-reduce across {n} GPUs gives the right sum",
                                 version=info["version"], n=len(usable)) if ok else
                   _("NCCL all-reduce across {n} GPUs gave a wrong sum", n=len(usable)),
                   _("check the GPU links (`nvidia-smi topo -m`); try NCCL_P2P_DISABLE=1; look for IOMMU / ACS "
                     "settings that block peer-to-peer"))
    except Exception as exc:
        checks.add("nccl", False, _("NCCL all-reduce across GPUs failed: {error}", error=_clean(exc)),
                   _("check the GPU links (`nvidia-smi topo -m`); try NCCL_P2P_DISABLE=1; run with NCCL_DEBUG=INFO "
                     "for the cause"))


def _driver_runtime_check(result, checks):
    cuda = result["cuda"]
    runtime, driver_cuda = cuda.get("runtime"), cuda.get("driver_cuda")
    if result["hip_build"] or not runtime or not driver_cuda:
        return
    rt = tuple(int(x) for x in runtime.split(".")[:2])
    dv = tuple(int(x) for x in driver_cuda.split(".")[:2])
    if dv >= rt:
        checks.add("driver-runtime", True,
                   _("the driver offers CUDA {driver}; this build uses CUDA {runtime}", driver=driver_cuda,
                     runtime=runtime))
    elif dv[0] < rt[0]:
        checks.add("driver-runtime", False,
                   _("the driver offers CUDA {driver} but this build uses CUDA {runtime}", driver=driver_cuda,
                     runtime=runtime),
                   _("upgrade the NVIDIA driver to >= {need}, or install a build for CUDA {major}.x; "
                     "`torch-setup recommend` shows both", need=_MIN_DRIVER_FOR_CUDA_MAJOR.get(rt[0], "?"),
                     major=dv[0]))
    else:
        checks.add("driver-runtime", False,
                   _("the driver offers CUDA {driver}, older than this build's CUDA {runtime}: it runs through "
                     "minor-version compatibility, but PTX cannot be JIT-compiled", driver=driver_cuda,
                     runtime=runtime),
                   _("upgrade the NVIDIA driver to one for CUDA {runtime} when you can", runtime=runtime),
                   level="warning")


def _libraries_check(torch, result, checks):
    libs = _loaded_libraries()
    result["libraries"] = libs
    outside = _shadowing(libs, torch)
    result["libraries_outside_env"] = outside
    if outside:
        ld = os.environ.get("LD_LIBRARY_PATH") or ""
        checks.add("libraries", False,
                   _("CUDA libraries loaded from outside this environment: {paths}", paths=", ".join(outside)),
                   _("torch's wheels bring their own CUDA libraries; remove {dirs} from LD_LIBRARY_PATH "
                     "(now {ld}) or unset it", dirs=", ".join(sorted({os.path.dirname(p) for p in outside})),
                     ld=ld or "unset"),
                   level="warning")


def _compile_check(result, checks, device, timeout):
    started = time.monotonic()
    cmd = [sys.executable, os.path.abspath(__file__), "--compile-child", device]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        result["compile"] = {"ok": False, "seconds": timeout, "error": "timeout"}
        checks.add("compile", False, _("torch.compile did not finish within {s} s", s=timeout),
                   _("a first compile can be slow on few cores: retry with `--compile-timeout 600`; if it still "
                     "hangs, look at ~/.cache and TORCHINDUCTOR_CACHE_DIR"))
        return
    seconds = round(time.monotonic() - started, 2)
    try:
        child = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        child = {"ok": False, "error": _clean(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip()
                                              else f"exit {proc.returncode}")}
    child["seconds"] = seconds
    result["compile"] = child
    if child.get("ok"):
        checks.add("compile", True, _("torch.compile works on {device} ({s} s)", device=device, s=seconds))
    else:
        checks.add("compile", False, _("torch.compile failed on {device}: {error}", device=device,
                                       error=child.get("error")),
                   _("torch.compile needs a C compiler for the CPU (`apt install build-essential`) and Triton "
                     "for NVIDIA GPUs (`pip show triton`)"))


def _compile_child(device):
    torch = importlib.import_module("torch")

    def f(x):
        return torch.sin(x) * 2 + torch.cos(x)

    try:
        x = torch.randn(4096, device=device)
        compiled = torch.compile(f)
        ok = torch.allclose(compiled(x), f(x), atol=1e-5)
        return {"ok": bool(ok), "error": None if ok else "compiled result differs from eager"}
    except Exception as exc:
        return {"ok": False, "error": _clean(str(exc).strip().splitlines()[0] if str(exc).strip() else exc)}


def collect(args):
    started = time.monotonic()
    checks = Checks()
    result = {
        "schema": SCHEMA,
        "ok": False,
        "python": {"version": platform.python_version(), "executable": sys.executable, "prefix": sys.prefix,
                   "pip": _has_pip()},
        "machine": platform.machine(),
        "expected_variant": args.expect_variant,
        "torch_version": None, "torch_path": None, "cuda_build": None, "hip_build": None, "variant": None,
        "cuda": {"is_available": False, "device_count": 0},
        "arch_list": [], "devices": [], "cudnn": None, "nccl": None, "compile": None, "numpy": None,
        "env": {k: os.environ.get(k) for k in ("LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "CUDA_HOME",
                                                "PYTORCH_NVML_BASED_CUDA_CHECK")},
        "checks": checks.items,
    }
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # a dynamic import: this file lives in the host's package, whose import rules forbid torch there
            torch = importlib.import_module("torch")
    except BaseException as exc:  # ImportError, OSError from a broken .so, even SystemExit from a bad plugin
        message = _clean(f"{type(exc).__name__}: {exc}")
        code = import_error_code(message, os.environ.get("LD_LIBRARY_PATH"))
        detail = _("torch does not import: {error}", error=message)
    else:
        hollow = _hollow(torch)
        message = code = detail = None
        if hollow is not None:
            code, where = hollow
            text, detail = _HOLLOW[code]
            message = _clean(text.format(path=where))
            detail = {"text": detail["text"], "args": {"path": where}}
    if message is not None:
        result["import_error"] = message
        result["import_error_code"] = code  # added in session 25: import_error itself is unchanged
        checks.add("torch-import", False, detail, _import_failure_fix(code, sys.executable))
        result["seconds"] = round(time.monotonic() - started, 3)
        return result

    result["torch_version"] = torch.__version__
    result["torch_path"] = os.path.dirname(os.path.abspath(torch.__file__))
    result["cuda_build"] = getattr(torch.version, "cuda", None)
    result["hip_build"] = getattr(torch.version, "hip", None)
    variant = result["variant"] = _variant_of(torch)
    checks.add("torch-import", True, _("torch {version} ({variant} build) imports from {path}",
                                       version=torch.__version__, variant=variant, path=result["torch_path"]))

    beside = _companion_checks()
    # the versions alone (the reinstall lines carry them along): what `companions` always said
    result["companions"] = None if beside is None else {name: c["version"] for name, c in beside.items()}
    result["companion_checks"] = beside
    expected = args.expect_variant
    if not _expected_matches(expected, variant):
        base = torch.__version__.split("+")[0]
        # no command here: "cuda" names no index (whl/cuda does not exist), and the target may have no pip
        checks.add("build", False,
                   _("this is a {variant} build of torch {version}; a {expected} build was expected",
                     variant=variant, version=torch.__version__, expected=expected),
                   _("reinstall torch as a {expected} build: `torch-setup install` does it, and `torch-setup "
                     "recommend` names the build that fits this machine", expected=expected),
                   reinstall={"torch": base, "variant": expected})
    gpu_build = bool(result["cuda_build"] or result["hip_build"])
    gpu_expected = bool(expected and expected not in ("cpu", "auto", "mps"))

    kind, count = None, 0
    if gpu_build:
        available, count = _cuda_section(torch, result, checks, args)
        _availability_check(result, checks, gpu_expected)
        kind = "cuda" if available else None
    else:
        result["cuda"]["is_available"] = False
        xpu = getattr(torch, "xpu", None)
        mps = getattr(torch.backends, "mps", None)
        if xpu is not None and variant == "xpu" and xpu.is_available():
            kind, count = "xpu", int(xpu.device_count())
        elif mps is not None and mps.is_available():
            kind, count = "mps", 1
        if gpu_expected and kind is None:
            checks.add("gpu-available", False,
                       _("a {expected} build was expected, but this {variant} build cannot use a GPU",
                         expected=expected, variant=variant),
                       _("reinstall torch as a {expected} build (`torch-setup install`), then verify again",
                         expected=expected))
        elif kind is None:
            checks.add("gpu-available", True,
                       _("CPU build: torch runs on the CPU ({threads} threads); no GPU is used",
                         threads=torch.get_num_threads()))

    if kind:
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            _device_checks(torch, result, checks, count, kind)
        result["cuda"].setdefault("warnings", []).extend(
            _clean(w.message) for w in rec if "capability" in str(w.message) or "CUDA" in str(w.message))
    # the CPU always gets its own matmul: a broken BLAS makes every result wrong, GPU or not
    value, error = _safe(_check_matmul, torch, "cpu")
    result["cpu"] = {"threads": torch.get_num_threads(),
                     "capability": _safe(lambda: torch.backends.cpu.get_cpu_capability())[0]}
    if error is None:
        result["cpu"]["matmul"] = {"ok": value[1], "max_abs_error": value[0]}
        checks.add("matmul-cpu", value[1], _("fp32 matmul on the CPU matches float64 (max error {err:.2e})",
                                             err=value[0]),
                   _("the CPU BLAS gives wrong results: reinstall torch; check MKL_* / OPENBLAS_* variables"))
    else:
        result["cpu"]["matmul"] = {"ok": False, "error": error}
        checks.add("matmul-cpu", False, _("fp32 matmul on the CPU failed: {error}", error=error),
                   _("reinstall torch; check MKL_* / OPENBLAS_* / OMP_* variables"))
    bf16, _err = _safe(_check_low_precision, torch, "cpu", torch.bfloat16)
    result["cpu"]["bf16"] = bool(bf16 and bf16[1])
    _numpy_section(torch, result, checks,
                   next((_clean(w.message) for w in caught if "NumPy" in str(w.message)), None))

    if gpu_build:
        _cudnn_section(torch, result, checks)
        _nccl_section(torch, result, checks)
        _driver_runtime_check(result, checks)
        _libraries_check(torch, result, checks)
    else:
        result["cudnn"] = {"available": False, "version": None, "enabled": False}
    if args.compile:
        _compile_check(result, checks, _device_for(kind, 0) if kind else "cpu", args.compile_timeout)
    result["ok"] = checks.verdict()
    result["seconds"] = round(time.monotonic() - started, 3)
    return result


def _plain(result):
    lines = ["torch {} ({})".format(result.get("torch_version") or "-", result.get("variant") or "-")]
    for c in result["checks"]:
        mark = "ok  " if c["ok"] else ("FAIL" if c["level"] == "error" else "warn")
        lines.append("[{}] {}: {}".format(mark, c["name"], c["detail"]))
        if c.get("fix"):
            lines.append("       -> " + c["fix"])
    lines.append("PASS" if result["ok"] else "FAIL")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Check that torch works in this interpreter.")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--expect-variant", default=None, help="the build that should be there: cpu, cu126, cuda...")
    parser.add_argument("--compile", action="store_true", help="also try torch.compile")
    parser.add_argument("--compile-timeout", type=float, default=120.0)
    parser.add_argument("--compile-child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    # keep stdout for the one JSON document: whatever torch or a library prints goes to stderr
    sys.stdout.flush()
    out_fd = os.dup(1)
    os.dup2(2, 1)
    try:
        if args.compile_child:
            result = _compile_child(args.compile_child)
        else:
            try:
                result = collect(args)
            except Exception as exc:  # a bug here must still give the host a verdict it can show
                # the host keeps the probe's stderr to itself: the fix names the command that shows the
                # traceback, rather than pointing at a stderr the person never sees
                fix = _("report this with the traceback that `{python} {script}` prints",
                        python=quote(sys.executable), script=quote(os.path.abspath(__file__)))
                detail = _("the verify probe itself failed: {error}", error=_clean(exc))
                result = {"schema": SCHEMA, "ok": False,
                          "python": {"version": platform.python_version(), "executable": sys.executable,
                                     "prefix": sys.prefix},
                          "checks": [{"name": "probe", "ok": False, "level": "error", "detail": _fmt(detail),
                                      "fix": _fmt(fix), "detail_msg": detail, "fix_msg": fix}]}
                traceback.print_exc()
    finally:
        sys.stdout.flush()
        os.dup2(out_fd, 1)
        os.close(out_fd)
    text = json.dumps(result) if (args.json or args.compile_child) else _plain(result)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    # the probes folder is on sys.path[0] when run by path: its modules must not shadow torch's imports
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
    sys.exit(main())
