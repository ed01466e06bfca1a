"""One canonical way to write the data files, so `matrix update` diffs show only what changed."""

from __future__ import annotations

from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # lists under a key are indented, as people write them by hand
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # rows repeat values on purpose; anchors would make diffs unreadable


def _short(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float)) or (isinstance(value, str) and len(value) <= 24)


def _dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = bool(data) and all(_short(v) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


def _list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = all(_short(v) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _dict)
_Dumper.add_representer(list, _list)


def dump_data(data: dict[str, Any], header: str) -> str:
    """YAML with block style for rows and flow style for short leaf lists and maps."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, width=120, allow_unicode=True)
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()]
    return "\n".join(lines) + "\n" + body
