"""A benchmark result read against what the card should do, and why a figure is low. Pure functions.

`enrich(raw, state)` adds to each test its reference peak and the share reached; `explain(...)` turns
the GPU's state under load (PCIe link, power limit, throttle reasons) into sentences with a fix.
"""

from __future__ import annotations

import shlex
from typing import Any

from installer.i18n import _
from installer.i18n.linebreak import pad
from installer.i18n.phrases import listed
from installer.probes.reference import Reference, find_reference, pcie_gbps

_MATMUL_DTYPE = {"matmul-fp32": "fp32", "matmul-tf32": "tf32", "matmul-fp16": "fp16", "matmul-bf16": "bf16"}


def _peak(test_id: str, ref: Reference, state: dict[str, Any] | None) -> tuple[float | None, str | None]:
    """The figure a test is compared with (in the test's unit) and what it is."""
    dtype = _MATMUL_DTYPE.get(test_id)
    if dtype:
        tf = ref.tflops.get(dtype)
        return (tf, _("{name} dense {dtype} peak", name=ref.name, dtype=dtype)) if tf else (None, None)
    if test_id == "memory-bandwidth":
        return ref.memory_gbps, _("{name} memory bandwidth", name=ref.name)
    if test_id.startswith(("h2d-", "d2h-")):
        pcie = (state or {}).get("pcie") or {}
        gen = pcie.get("gen_max") or (ref.pcie[0] if ref.pcie else None)
        width = pcie.get("width_max") or (ref.pcie[1] if ref.pcie else None)
        link = pcie_gbps(gen, width)
        return (link, _("PCIe Gen{gen} x{width} link", gen=gen, width=width)) if link else (None, None)
    return None, None


def enrich(raw: dict[str, Any], state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The probe's result plus reference figures, shares and explanations (a new dict)."""
    out = dict(raw)
    device = raw.get("device") or {}
    ref = find_reference(device.get("name")) if device.get("type") == "cuda" else None
    out["reference"] = ({"name": ref.name, "source": ref.source, "checked": ref.checked,
                         "derived": dict(ref.derived)} if ref else None)
    tests = []
    for t in raw.get("tests") or []:
        t = dict(t)
        if ref is not None:
            peak, what = _peak(str(t.get("id")), ref, state)
            if peak:
                t["peak"], t["peak_what"] = peak, what
                t["share"] = round(float(t["median"]) / peak, 4)
        tests.append(t)
    out["tests"] = tests
    out["gpu_state"] = state
    out["notes"] = explain(out, state, ref)
    out["summary"] = summarize(out)
    return out


def summarize(result: dict[str, Any]) -> str:
    """One line: the best matmul figure and the memory bandwidth, with shares of peak where known."""
    tests = {t.get("id"): t for t in result.get("tests") or []}

    def part(t: dict[str, Any]) -> str:
        text = f"{t['median']:.1f} {t['unit']}"
        return text + (" " + _("({share:.0%} of peak)", share=t["share"]) if t.get("share") is not None else "")

    matmuls = [t for k, t in tests.items() if str(k).startswith("matmul")]
    parts = []
    if matmuls:
        best = max(matmuls, key=lambda t: t["median"])
        parts.append(_("matmul {dtype} {figure}", dtype=best.get("dtype") or best["id"][7:], figure=part(best)))
    if "memory-bandwidth" in tests:
        parts.append(_("memory {figure}", figure=part(tests["memory-bandwidth"])))
    device = (result.get("device") or {}).get("name") or "?"
    return f"{device}: " + ", ".join(parts) if parts else device


def explain(result: dict[str, Any], state: dict[str, Any] | None, ref: Reference | None) -> list[str]:
    """Sentences that account for low figures, each with what to do. Empty when nothing stands out."""
    notes: list[str] = []
    device = result.get("device") or {}
    if device.get("type") != "cuda":
        if device.get("type") == "cpu":
            notes.append(_("no GPU in use: these are CPU figures ({threads} threads)", threads=device.get("threads")))
        return notes
    if ref is None:
        notes.append(_("no reference figures for {name}: the results are shown without a share of peak",
                       name=device.get("name")))
    tests = {t.get("id"): t for t in result.get("tests") or []}
    st = state or {}
    pcie = st.get("pcie") or {}
    w_cur, w_max = pcie.get("width_current"), pcie.get("width_max")
    g_cur, g_max = pcie.get("gen_current"), pcie.get("gen_max")
    if w_cur and w_max and w_cur < w_max:
        notes.append(_("the PCIe link runs at x{cur} of x{max} lanes: host-device copies are limited to about "
                       "{gbps:.1f} GB/s; move the card to a x16 slot or reseat it (check riser cables)",
                       cur=w_cur, max=w_max, gbps=pcie_gbps(g_cur or g_max, w_cur) or 0.0))
    if g_cur and g_max and g_cur < g_max:
        notes.append(_("the PCIe link ran at Gen{cur} of Gen{max} under load: set the slot to Gen{max} (or Auto) "
                       "in the firmware setup, and check the riser", cur=g_cur, max=g_max))
    h2d = tests.get("h2d-pinned")
    if h2d and h2d.get("share") is not None and h2d["share"] < 0.5 and not (w_cur and w_max and w_cur < w_max):
        notes.append(_("pinned host-to-device copies reach {share:.0%} of the PCIe link: another device may share "
                       "the lanes, or the GPU sits behind a chipset (not CPU) slot", share=h2d["share"]))
    reasons = st.get("throttle") or []
    power = st.get("power") or {}
    if "sw_power_cap" in reasons:
        limit, default = power.get("limit_w"), power.get("default_limit_w")
        if limit and default and limit < default - 1:
            notes.append(_("the power limit is lowered to {limit:.0f} W (default {default:.0f} W), and the GPU "
                           "hit it: `sudo nvidia-smi -pl {default:.0f}` restores it", limit=limit, default=default))
        else:
            notes.append(_("the GPU ran at its power limit ({limit} W): normal for long matmuls, but it caps the "
                           "clocks", limit=limit if limit is not None else "?"))
    if "hw_thermal_slowdown" in reasons or "sw_thermal_slowdown" in reasons:
        notes.append(_("the GPU slowed down for heat (up to {t} °C): clean the fans and filters, improve the case "
                       "airflow", t=st.get("temperature_c") if st.get("temperature_c") is not None else "?"))
    if "hw_slowdown" in reasons or "hw_power_brake_slowdown" in reasons:
        notes.append(_("hardware slowdown was active (power brake or an external signal): check the power cables "
                       "and the supply"))
    if "applications_clocks_setting" in reasons:
        notes.append(_("application clocks are set below the maximum: `sudo nvidia-smi -rac` resets them"))
    if ref is not None:
        low = [t for t in tests.values() if str(t.get("id", "")).startswith("matmul")
               and t.get("share") is not None and t["share"] < 0.5]
        if low and not reasons and not (w_cur and w_max and w_cur < w_max):
            notes.append(_("{tests} below half of the card's peak with no throttling seen: another process may be "
                           "using the GPU (`nvidia-smi`), or the card is a cut-down or laptop variant",
                           tests=listed(str(t["id"]) for t in low)))
    return notes


def label(test: dict[str, Any]) -> str:
    """A test's row name in the person's language, from what it measured (a measurement, or a progress
    event: both carry the size, dtype and bytes); the probe's English label where those are missing."""
    test_id = str(test.get("id") or test.get("test") or "")
    english = str(test.get("label") or test_id)
    size, nbytes = test.get("size"), test.get("bytes")
    if test_id.startswith("matmul-") and size:
        return _("matmul {dtype} {n}x{n}", dtype=test.get("dtype") or test_id[7:], n=size)
    if test_id.startswith("matmul-"):  # skipped: it ran at no size (found in use: "matmul-tf32：已跳过")
        return _("matmul {precision}", precision=test.get("dtype") or test_id[7:])
    if test_id == "memory-bandwidth" and nbytes:
        # on a CPU the copy is in the computer's own memory (older results say so only in their label)
        main = test.get("memory") == "main" or english.startswith("main")
        mib = int(nbytes) >> 20
        return _("main memory copy {mib} MiB", mib=mib) if main else _("device memory copy {mib} MiB", mib=mib)
    copies = {"h2d-pinned": _("host to device, pinned memory"), "h2d-pageable": _("host to device, pageable memory"),
              "d2h-pinned": _("device to host, pinned memory"), "d2h-pageable": _("device to host, pageable memory")}
    return copies.get(test_id, english)


def comparable(result: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """`previous` with only the tests measured as this run's were (same test, unit, size, dtype and bytes):
    "vs last run" compared a bf16 product at 4096x4096 with one at 2048x2048 (a full run, then --quick),
    a change that says nothing of the device."""
    now = {t.get("id"): t for t in result.get("tests") or []}
    keys = ("unit", "size", "dtype", "bytes")
    alike = [t for t in previous.get("tests") or []
             if t.get("id") in now and all(t.get(k) == now[t.get("id")].get(k) for k in keys)]
    # said beside the row, so that a missing "vs last run" is not read as "no change"
    otherwise = [t.get("id") for t in previous.get("tests") or [] if t.get("id") in now and t not in alike]
    return {**previous, "tests": alike, "measured_otherwise": otherwise}


def refusal(result: dict[str, Any]) -> tuple[str, str] | None:
    """What the probe refused to measure, in words, and what to do: a CUDA device was named (`--device
    cuda:0`) that torch cannot use; None when it measured."""
    refused = result.get("refused")
    if not isinstance(refused, dict):
        return None
    asked, version = refused.get("device") or "cuda", refused.get("torch_version") or "?"
    python = (result.get("python") or {}).get("executable") or "python"
    if refused.get("cause") == "cpu-build":
        return (_("{device} was asked for, but torch {version} in {python} is a CPU-only build: it cannot use any GPU",
                  device=asked, version=version, python=python),
                _("install a CUDA build (`torch-setup doctor --python {python}` names the one for this machine), "
                  "or measure the CPU with --device cpu", python=shlex.quote(python)))
    if refused.get("cause") == "no-such-device":
        count = int(refused.get("count") or 0)
        return (_("{device} was asked for, but torch sees no such GPU, only {devices}", device=asked,
                  devices=listed(f"cuda:{i}" for i in range(count))),
                _("name one of those with --device, or leave --device out; CUDA_VISIBLE_DEVICES sets which GPUs "
                  "torch sees"))
    return (_("{device} was asked for, but torch {version} cannot use CUDA here: {error}", device=asked,
              version=version, error=refused.get("error") or "?"),
            _("`torch-setup doctor --python {python}` says why torch sees no GPU and how to mend it; --device cpu "
              "measures the CPU", python=shlex.quote(python)))


def render(result: dict[str, Any], comparison: dict[str, Any] | None = None) -> str:
    """The plain-text table for the command line."""
    device = result.get("device") or {}
    lines = [_("{name} ({kind}), torch {torch}", name=device.get("name"), kind=device.get("type"),
               torch=result.get("torch_version"))]
    changes = {c["id"]: c for c in (comparison or {}).get("changes", [])}
    otherwise = set((comparison or {}).get("not_compared") or ())
    for t in result.get("tests") or []:
        line = f"  {pad(label(t), 36)} {t['median']:>10.2f} {t['unit']:<8} ±{(t.get('spread_pct') or 0) / 2:.1f}%"
        if t.get("share") is not None:
            line += "  " + _("{share:.0%} of peak", share=t["share"])
        change = changes.get(t["id"])
        if change and change.get("change_pct") is not None:
            # found in use: "(+33.9% vs last run)" beside a spread of ±112% read as a finding; a change
            # inside the two runs' spread is said to be noise
            line += "  " + (_("({pct:+.1f}% vs last run)", pct=change["change_pct"])
                            if change.get("significant", True) else
                            # the measure the test used, said: the ± beside it is half of one run's range
                            _("(vs last run: {pct:+.1f}%, inside the runs' spread of {noise:.0f}%)",
                              pct=change["change_pct"], noise=change.get("noise_pct") or 0))
        elif t["id"] in otherwise:
            line += "  " + _("(last run measured another size: not compared)")
        lines.append(line)
    for s in result.get("skipped") or []:
        lines.append("  " + _("{id}: skipped ({reason})", id=label(s), reason=_(s["reason"])))
    if result.get("reference"):
        lines.append(_("reference: {source}", source=result["reference"]["source"]))
    for note in result.get("notes") or []:
        lines.append("  * " + note)
    return "\n".join(lines)
