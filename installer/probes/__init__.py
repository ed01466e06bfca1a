"""Proof that torch works, and how fast: verify, doctor and bench.

Two sides. Probe scripts run BY THE TARGET INTERPRETER, stdlib and torch only, printing JSON:
`verify.py` (one document) and `bench.py` (JSON lines). The host side never imports torch:
`host.py` runs the scripts and reads their output, `doctor.py` explains failures (pure), `results.py`,
`reference.py` and `gpu_state.py` read benchmark figures against the card's peak and its NVML state,
`history.py` keeps results for comparison, `text.py` renders them for the command line.
"""
