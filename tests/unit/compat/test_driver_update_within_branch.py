"""A machine already on the branch a build needs, only below its patch level (580.65.05 where cu13x wheels
need 580.65.06), needs the R580 driver updated, not "driver branch R580" installed: `recommend` says so,
and the JSON action carries the least version (`version`) beside the branch."""

from __future__ import annotations

from compat_machines import machine

from installer.compat import recommend
from installer.compat.render import render_recommendation


def test_one_patch_level_short_asks_for_an_update_within_the_branch():
    rec = recommend(machine("rtx4090-580.65.05"))
    cu132 = next(c for c in rec.choices if c.variant == "cu132")
    action = cu132.action("install-driver")
    assert action is not None and action.branch == "580" and action.version == "580.65.06"
    assert action.to_dict()["version"] == "580.65.06"
    assert "CUDA 13.2 build, after updating the R580 driver to 580.65.06 or newer" in cu132.reasons
    text = render_recommendation(rec)
    assert "needs: update the NVIDIA R580 driver to 580.65.06 or newer (cu132 wheels need driver >= 580.65.06; " \
           "this machine has 580.65.05)" in text
    assert "install NVIDIA driver branch R580" not in text


def test_another_branch_or_no_driver_is_still_a_branch_install():
    for name in ("rtx4090-550", "nodriver-rtx3060"):
        rec = recommend(machine(name))
        action = next(c.action("install-driver") for c in rec.choices if c.action("install-driver"))
        assert action.branch == "580" and action.version is None and "version" not in action.to_dict()
        text = render_recommendation(rec)
        assert "needs: install NVIDIA driver branch R580" in text and "update the NVIDIA R580 driver" not in text


def test_wsl_keeps_the_windows_wording():
    """A WSL machine reports the Windows driver's number, which is not a Linux branch: no update wording."""
    rec = recommend(machine("wsl-rtx4070laptop-566"))
    action = next(c.action("install-driver") for c in rec.choices if c.action("install-driver"))
    assert action.host == "windows" and action.version is None


def test_the_wizard_says_update_within_the_branch_too():
    from installer.tui.screens.combination import action_text

    rec = recommend(machine("rtx4090-580.65.05"))
    cu132 = next(c for c in rec.choices if c.variant == "cu132")
    action = cu132.action("install-driver")
    assert action is not None
    text = action_text(action.to_dict())
    assert text.startswith("needs the NVIDIA R580 driver updated to 580.65.06 or newer: "), text
    assert action_text({"kind": "install-driver", "branch": "580"}) == "needs NVIDIA driver branch 580"
