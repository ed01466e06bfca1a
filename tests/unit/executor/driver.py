"""Runs a plan described in a JSON file, printing one line per event: used by tests that kill the run
(SIGKILL, SIGINT) or run it as another user. Usage: driver.py SPEC.json"""

from __future__ import annotations

import json
import sys

spec = json.load(open(sys.argv[1], encoding="utf-8"))
sys.path[:0] = spec.get("sys_path", [])

from installer.errors import TorchSetupError  # noqa: E402
from installer.executor import run_plan  # noqa: E402
from installer.plan.model import Command, Guard, Plan, Step  # noqa: E402

steps = tuple(
    Step(id=s["id"], title=s["id"], kind="command", root=s.get("root", False), writable=tuple(s.get("writable", ())),
         guard=Guard(creates=s["creates"]) if s.get("creates") else None,
         commands=(Command(argv=tuple(s["argv"])),))
    for s in spec["steps"]
)
try:
    for event in run_plan(Plan(steps=steps), state_dir=spec["state"]):
        print(type(event).__name__, getattr(event, "step_id", ""), getattr(event, "status", ""),
              getattr(event, "ok", ""), flush=True)
except TorchSetupError as exc:
    print("ERROR", exc.render(), flush=True)
    sys.exit(1)
