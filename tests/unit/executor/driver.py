"""Runs a plan described in a JSON file, printing one line per event: used by tests that kill the run
(SIGKILL, SIGINT) or run it as another user. Usage: driver.py SPEC.json

A step is {"id", "argv"} (a command), or {"id", "files": [{"path", "content", "mode"}]} (a file step);
"root", "writable" and "creates" as in a Step."""

from __future__ import annotations

import json
import sys

spec = json.load(open(sys.argv[1], encoding="utf-8"))
sys.path[:0] = spec.get("sys_path", [])

from installer.errors import TorchSetupError  # noqa: E402
from installer.executor import run_plan  # noqa: E402
from installer.plan.model import Command, FileWrite, Guard, Plan, Step  # noqa: E402

steps = tuple(
    Step(id=s["id"], title=s["id"], kind="file" if "files" in s else "command", root=s.get("root", False),
         writable=tuple(s.get("writable", ())),
         guard=Guard(creates=s["creates"]) if s.get("creates") else None,
         commands=(Command(argv=tuple(s["argv"])),) if "argv" in s else (),
         files=tuple(FileWrite(path=f["path"], content=f["content"], mode=f.get("mode", 0o644))
                     for f in s.get("files", ())))
    for s in spec["steps"]
)
try:
    for event in run_plan(Plan(steps=steps), state_dir=spec["state"]):
        print(type(event).__name__, getattr(event, "step_id", ""), getattr(event, "status", ""),
              getattr(event, "ok", ""), flush=True)
        if getattr(event, "status", "") == "failed":
            print("DETAIL", event.detail, flush=True)  # type: ignore[union-attr]
except TorchSetupError as exc:
    print("ERROR", exc.render(), flush=True)
    sys.exit(1)
