"""What the GPU was doing while the benchmark ran: PCIe link, power limit, clocks, throttle reasons.

Read through NVML (nvidia-ml-py) in the host process, sampled in a thread during the run, because an
idle GPU drops its link to Gen1 and reports "idle" as its throttle reason: only figures taken under
load explain a low result. `parse_smi_xml` reads the same facts from `nvidia-smi -q -x` (recorded
machines in tests; a fallback where the Python binding fails).
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from typing import Any

# NVML clock-event ("throttle") reason bits, nvml.h: nvmlClocksEventReason*
THROTTLE_BITS = {
    0x1: "gpu_idle", 0x2: "applications_clocks_setting", 0x4: "sw_power_cap", 0x8: "hw_slowdown",
    0x10: "sync_boost", 0x20: "sw_thermal_slowdown", 0x40: "hw_thermal_slowdown",
    0x80: "hw_power_brake_slowdown", 0x100: "display_clocks_setting",
}


def _num(text: str | None) -> float | None:
    if text is None:
        return None
    head = text.strip().split(" ")[0].rstrip("x")
    try:
        return float(head)
    except ValueError:
        return None


def parse_smi_xml(text: str, index: int = 0) -> dict[str, Any] | None:
    """The facts of GPU `index` in an `nvidia-smi -q -x` document (tags of drivers before and after 550)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    gpus = root.findall("gpu")
    if index >= len(gpus):
        return None
    g = gpus[index]

    def f(path: str) -> float | None:
        node = g.find(path)
        return _num(node.text) if node is not None else None

    reasons_node = _first(g, "clocks_event_reasons", "clocks_throttle_reasons")
    active = []
    if reasons_node is not None:
        for child in reasons_node:
            if (child.text or "").strip() == "Active":
                active.append(child.tag.replace("clocks_event_reason_", "").replace("clocks_throttle_reason_", ""))
    gen_cur, gen_max = f("pci/pci_gpu_link_info/pcie_gen/current_link_gen"), f("pci/pci_gpu_link_info/pcie_gen/max_link_gen")
    w_cur = f("pci/pci_gpu_link_info/link_widths/current_link_width")
    w_max = f("pci/pci_gpu_link_info/link_widths/max_link_width")
    power = _first(g, "gpu_power_readings", "power_readings")

    def p(tag: str) -> float | None:
        node = power.find(tag) if power is not None else None
        return _num(node.text) if node is not None else None

    name = g.find("product_name")
    return {
        "source": "nvidia-smi",
        "name": name.text if name is not None else None,
        "pcie": {"gen_current": _int(gen_cur), "gen_max": _int(gen_max),
                 "width_current": _int(w_cur), "width_max": _int(w_max)},
        "power": {"draw_w": p("power_draw"), "limit_w": p("current_power_limit") or p("power_limit"),
                  "default_limit_w": p("default_power_limit"), "max_limit_w": p("max_power_limit")},
        "clocks": {"sm_mhz": f("clocks/sm_clock"), "sm_max_mhz": f("max_clocks/sm_clock")},
        "temperature_c": f("temperature/gpu_temp"),
        "throttle": active,
        "pstate": _text(g.find("performance_state")),
    }


def _text(node: ET.Element | None) -> str | None:
    return node.text if node is not None else None


def _first(node: ET.Element, *tags: str) -> ET.Element | None:
    for tag in tags:
        found = node.find(tag)
        if found is not None:
            return found
    return None


def _int(x: float | None) -> int | None:
    return int(x) if x is not None else None


def _nvml() -> Any | None:
    try:
        import pynvml

        pynvml.nvmlInit()
        return pynvml
    except Exception:  # no driver, no libnvidia-ml, or a container without the device: no facts
        return None


def read_nvml(nv: Any, index: int) -> dict[str, Any]:
    """One reading of GPU `index` through an initialised pynvml module."""
    h = nv.nvmlDeviceGetHandleByIndex(index)

    def get(fn: str, *args: Any) -> Any:
        try:
            return getattr(nv, fn)(h, *args)
        except Exception:  # NOT_SUPPORTED on many boards for one field or another
            return None

    def watts(mw: Any) -> float | None:
        return round(mw / 1000.0, 1) if isinstance(mw, (int, float)) else None

    limits = get("nvmlDeviceGetPowerManagementLimitConstraints")
    mask = get("nvmlDeviceGetCurrentClocksEventReasons")
    if mask is None:
        mask = get("nvmlDeviceGetCurrentClocksThrottleReasons")
    name = get("nvmlDeviceGetName")
    return {
        "source": "nvml",
        "name": name.decode() if isinstance(name, bytes) else name,
        "pcie": {"gen_current": get("nvmlDeviceGetCurrPcieLinkGeneration"),
                 "gen_max": get("nvmlDeviceGetMaxPcieLinkGeneration"),
                 "width_current": get("nvmlDeviceGetCurrPcieLinkWidth"),
                 "width_max": get("nvmlDeviceGetMaxPcieLinkWidth")},
        "power": {"draw_w": watts(get("nvmlDeviceGetPowerUsage")),
                  "limit_w": watts(get("nvmlDeviceGetEnforcedPowerLimit")),
                  "default_limit_w": watts(get("nvmlDeviceGetPowerManagementDefaultLimit")),
                  "max_limit_w": watts(limits[1]) if limits else None},
        "clocks": {"sm_mhz": get("nvmlDeviceGetClockInfo", 1), "sm_max_mhz": get("nvmlDeviceGetMaxClockInfo", 1)},
        "temperature_c": get("nvmlDeviceGetTemperature", 0),
        "throttle": [n for bit, n in THROTTLE_BITS.items() if mask and mask & bit],
        "pstate": get("nvmlDeviceGetPerformanceState"),
    }


def merge_under_load(samples: list[dict[str, Any]]) -> dict[str, Any] | None:
    """One state from many readings: the best link and clocks seen, the worst temperature, every reason."""
    busy = [s for s in samples if "gpu_idle" not in s.get("throttle", [])] or samples
    if not busy:
        return None
    out = dict(busy[-1])

    def most(path: tuple[str, str]) -> Any:
        vals = [s[path[0]][path[1]] for s in busy if s.get(path[0], {}).get(path[1]) is not None]
        return max(vals) if vals else None

    out["pcie"] = dict(out["pcie"], gen_current=most(("pcie", "gen_current")),
                       width_current=most(("pcie", "width_current")))
    out["power"] = dict(out["power"], draw_w=most(("power", "draw_w")))
    out["clocks"] = dict(out["clocks"], sm_mhz=most(("clocks", "sm_mhz")))
    temps = [s["temperature_c"] for s in busy if s.get("temperature_c") is not None]
    out["temperature_c"] = max(temps) if temps else None
    reasons: list[str] = []
    for s in busy:
        reasons += [r for r in s.get("throttle", []) if r not in reasons and r != "gpu_idle"]
    out["throttle"] = reasons
    out["samples"] = len(samples)
    return out


class Sampler:
    """Reads NVML every `period` seconds in a thread while a benchmark runs (a no-op without NVML)."""

    def __init__(self, index: int = 0, period: float = 0.5) -> None:
        self.index, self.period = index, period
        self.samples: list[dict[str, Any]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._nv = None

    def __enter__(self) -> Sampler:
        self._nv = _nvml()
        if self._nv is not None:
            self._thread = threading.Thread(target=self._loop, daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            try:
                self.samples.append(read_nvml(self._nv, self.index))
            except Exception:  # the GPU went away mid-run: keep what was read
                return

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._nv is not None:
            try:
                self._nv.nvmlShutdown()
            except Exception:
                pass

    def state(self) -> dict[str, Any] | None:
        return merge_under_load(self.samples)
