"""With no PyTorch index answering, the offer leads with the newest build of the ranking's variant that is on this
disk (found by a tester: n, n, n chose "torch 2.15.0 · cpu recommended", which the same screen said would fail,
with 2.13.0 on disk). Pure: the wheels on disk and the probe's verdict are given, never looked for."""

from __future__ import annotations

from compat_machines import machine

from installer.compat.offer import offer


def _firsts(doc: dict) -> list[tuple[str, str, bool, bool]]:
    return [(c["torch"], c["variant"], bool(c.get("from_disk")), bool(c.get("unreachable"))) for c in doc["choices"][:2]]


def test_no_index_and_an_older_build_on_disk_leads_with_it():
    cpu = machine("cpu-only")
    newest = offer(cpu).to_dict()["choices"][0]
    assert newest["local"] == "+cpu" and newest["torch"] != "2.13.0"
    doc = offer(cpu, on_disk={"2.12.0": ["cpu", "cu126"], "2.13.0": ["cpu"]}, index_answers=False).to_dict()
    assert _firsts(doc) == [("2.13.0", "cpu", True, False), (newest["torch"], "cpu", False, True)]


def test_an_index_answering_or_a_pin_or_nothing_on_disk_changes_nothing():
    cpu = machine("cpu-only")
    plain = offer(cpu).to_dict()
    on_disk = {"2.13.0": ["cpu"]}
    assert offer(cpu, on_disk=on_disk, index_answers=True).to_dict() == plain
    assert offer(cpu, on_disk={"2.13.0": ["cu126"]}, index_answers=False).to_dict() == plain  # not its variant
    assert offer(cpu, on_disk={}, index_answers=False).to_dict() == plain
    pinned = offer(cpu, torch="2.14.1", on_disk=on_disk, index_answers=False).to_dict()
    assert not any(c.get("from_disk") for c in pinned["choices"])


def test_a_build_pypi_itself_carries_needs_no_index():
    gpu = machine("nodriver-rtx3060")  # its first build is the one PyPI serves by default (no local label)
    plain = offer(gpu).to_dict()
    assert plain["choices"][0]["local"] == ""
    assert offer(gpu, on_disk={"2.13.0": [plain["choices"][0]["variant"]]}, index_answers=False).to_dict() == plain
