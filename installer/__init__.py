"""torch-setup: a guided installer for PyTorch on GPU workstations.

The flow runs one way: hardware (detect) -> compat (choose) -> plan -> executor -> probes (verify/bench).
"""

__version__ = "0.1.0"
