"""Helpers shared by test folders that are plain modules, not fixtures (tests/ is not a package).

pytest puts tests/ on sys.path for tests/conftest.py, so any test module can `from helpers import ...`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

TESTS = Path(__file__).resolve().parent
RECIPE_FIXTURES = TESTS / "fixtures" / "recipes"


def load_module(path: Path, name: str | None = None) -> ModuleType:
    """The module in `path`, loaded once per session under `name` (default: the file's stem).

    It is registered in sys.modules before it runs: dataclasses and pickling look their module up there.
    A second call for the same file returns the same module, so two test folders share one copy; a
    different file under a name already taken is an error rather than a silent swap.
    """
    path = Path(path).resolve()
    name = name or path.stem
    loaded = sys.modules.get(name)
    if loaded is not None:
        if Path(getattr(loaded, "__file__", "") or "").resolve() != path:
            raise RuntimeError(f"module name {name!r} is taken by {loaded!r}; load {path} under another name")
        return loaded
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path} as a module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def recipe_fixture(name: str) -> ModuleType:
    """A helper module from tests/fixtures/recipes (rangeserver, make_runfile, conda_channel, ...)."""
    return load_module(RECIPE_FIXTURES / f"{name}.py")


def pip_install_plan(venv: Path, packages: list[str], indexes: Any, tools: Any, step_id: str = "pkg", *,
                     answers: Any = None, report: Any = None) -> Any:
    """A two-step plan the real `pip` kind compiles: make the venv at `venv`, install `packages` into it
    from `indexes` (an installer.plan.indexes.Indexes) with `tools` (installer.plan.tools.Tools), for
    `answers` and `report` (default: empty ones)."""
    from installer.answers import Answers
    from installer.hardware.report import HardwareReport
    from installer.plan.kinds.base import KindContext, get_kind
    from installer.plan.model import Plan, Step

    kind = get_kind("pip")
    ctx = KindContext(answers=answers or Answers(), report=report or HardwareReport(), pins=None, tools=tools,
                      indexes=indexes)
    steps = []
    for sid, params in (("venv", {"venv": str(venv), "python": sys.executable}),
                        (step_id, {"python": str(venv / "bin" / "python"), "packages": packages})):
        compiled = kind.compile(kind.Params.model_validate(params), ctx)
        steps.append(Step(id=sid, title=sid, kind="pip", commands=compiled.commands, guard=compiled.guard,
                          writable=compiled.writable))
    return Plan(steps=tuple(steps))


# A distribution's Python, as on Debian 12 and Ubuntu 23.04+, in a folder of its own: the real Debian
# interpreter copied (it is linked statically with libpython, so it runs anywhere), its standard library
# linked in, and its own PEP 668 marker. Python takes its prefix from where it runs (lib/python3.X/os.py
# beside it), so installs go to DIR/local/lib/python3.X/dist-packages, never into the machine's /usr.
DISTRO_PYTHON = "/usr/bin/python3.11"


def distro_python(folder: Path, *, managed: bool = True) -> Path | None:
    """The stand-in's bin/python3, or None where this machine has no Debian Python 3.11 to build it from."""
    import os
    import shutil
    import subprocess

    stdlib = Path("/usr/lib/python3.11")
    if not (os.access(DISTRO_PYTHON, os.X_OK) and (stdlib / "os.py").is_file()):
        return None
    (folder / "bin").mkdir(parents=True)
    lib = folder / "lib" / "python3.11"
    lib.mkdir(parents=True)
    shutil.copy2(DISTRO_PYTHON, folder / "bin" / "python3.11")
    (folder / "bin" / "python3").symlink_to("python3.11")
    for entry in stdlib.iterdir():
        if entry.name not in ("EXTERNALLY-MANAGED", "dist-packages", "site-packages"):
            (lib / entry.name).symlink_to(entry)
    if managed:
        (lib / "EXTERNALLY-MANAGED").write_text("[externally-managed]\nError=a stand-in for a distribution's Python\n")
    py = folder / "bin" / "python3"
    out = subprocess.run([str(py), "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True)
    return py if out.returncode == 0 and out.stdout.strip() == str(folder) else None


def as_nobody(fn: Any, *args: Any, cwd: str | None = None, home: str | None = None, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) in a forked child that has become the nobody user (in `cwd`, with HOME=`home`
    when given), its JSON-able result handed back: real permissions, no fakes. Needs root."""
    import json
    import os
    import pwd

    nobody = pwd.getpwnam("nobody")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, answer through the pipe, never return into pytest
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            if home is not None:
                os.environ["HOME"] = home
            if cwd is not None:
                os.chdir(cwd)
            try:
                answer = {"value": fn(*args, **kwargs)}
            except Exception as exc:  # noqa: BLE001 - handed to the test, which fails with it
                answer = {"error": repr(exc)}
            os.write(write, json.dumps(answer, default=str).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        out = pipe.read()
    os.waitpid(pid, 0)
    answer = json.loads(out)
    assert "error" not in answer, answer["error"]
    return answer["value"]


def stderr_on_a_pty(args: list[str], env: dict[str, str], timeout: float) -> tuple[int, str, str]:
    """Run `args` with stderr on a real pseudo-terminal and stdout on a pipe, as a person at a terminal who
    pipes the output does: (exit code, stdout, what the terminal was sent)."""
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=follower, text=True, env=env)
    os.close(follower)
    out, _ = proc.communicate(timeout=timeout)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the pty's other end is closed and drained
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    return proc.returncode, out, seen.decode()


def process_gone(pid: int) -> bool:
    """Whether process `pid` has ended (a zombie counts: killed, waiting for a parent to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


@contextlib.contextmanager
def answering(status: int, body: bytes = b"", seen: list[str] | None = None) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers every GET and HEAD with `status` (a mirror answering 503,
    403...): its base URL, http://127.0.0.1:PORT. `seen`, when given, gets the path of every request."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if seen is not None:
                seen.append(self.path)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class CpuPins:
    """The pins the planner hands to the index choice for torch 2.13.0's CPU build (compat.pins.Pins' shape)."""

    torch: str = "2.13.0"
    variant: str = "cpu"
    local: str = "+cpu"
    requirements: tuple[str, ...] = ("torch==2.13.0+cpu",)


def env_without_torch(folder: Path) -> Path:
    """A real venv (no pip, no torch) at `folder`; its interpreter."""
    import venv

    venv.EnvBuilder(with_pip=False, symlinks=True).create(folder)
    return folder / "bin" / "python"


def env_with_cpu_torch(folder: Path) -> Path:
    """A real venv at `folder` holding torch 2.13.0+cpu from /opt/wheels (a test's own, where it adds packages
    beside torch: the session's torch_python is shared); its interpreter."""
    uv = Path(sys.executable).parent / "uv"
    subprocess.run([str(uv), "venv", "-q", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    subprocess.run([str(uv), "pip", "install", "-q", "--python", str(python), "--find-links", "/opt/wheels",
                    "torch==2.13.0+cpu"], check=True, capture_output=True, timeout=900)
    return python


def env_with_broken_torch(folder: Path) -> Path:
    """A real venv whose torch is there but fails to import, as one missing a CUDA library does."""
    python = env_without_torch(folder)
    site = next((folder / "lib").glob("python3*/site-packages"))
    (site / "torch").mkdir()
    (site / "torch" / "__init__.py").write_text(
        "raise ImportError('libcudart.so.12: cannot open shared object file: No such file or directory')\n")
    return python


def stand_in_torchvision(python: Path, version: str, requires: str | list[str], body: str = "") -> Path:
    """A torchvision as pip leaves one (dist-info with METADATA, RECORD and INSTALLER) in `python`'s venv, whose
    import does what `body` does (a mismatched one: raise "operator torchvision::nms does not exist"), and
    which requires `requires` (each a Requires-Dist); its site-packages folder."""
    site = next((python.parent.parent / "lib").glob("python3*/site-packages"))
    (site / "torchvision").mkdir()
    (site / "torchvision" / "__init__.py").write_text(body)
    info = site / f"torchvision-{version}.dist-info"
    info.mkdir()
    # (no numpy: not in these venvs, which doctor would rightly call a missing dependency)
    lines = [requires] if isinstance(requires, str) else requires
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: torchvision\nVersion: {version}\n"
                                   + "".join(f"Requires-Dist: {line}\n" for line in lines)
                                   + "Requires-Dist: scipy ; extra == \"scipy\"\n")
    (info / "INSTALLER").write_text("pip\n")
    (info / "RECORD").write_text("".join(f"{path},,\n" for path in (
        "torchvision/__init__.py", *(f"torchvision-{version}.dist-info/{name}" for name in ("METADATA", "INSTALLER",
                                                                                           "RECORD")))))
    return site


def cli_as_nobody(ck: Any, home: Path, cwd: Path, *args: str, timeout: float = 120,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`torch-setup ARGS` run by the nobody user (setpriv), from `ck` (the readable_checkout fixture), with
    HOME=`home`, in English without colour: what a normal user of a lab machine sees. `env`: variables to
    add. Needs root."""
    system_py = f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"
    env = {"PATH": f"{ck.uv.parent}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "NO_COLOR": "1", "PYTHONPATH": f"{ck.root}:{ck.site}", **(env or {})}
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", system_py, "-m",
                           "installer", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def cpu_answers(mirror: str, *, verify: bool | None = False) -> str:
    """An answers file installing torch 2.13.0 (CPU, no extras) into ./.venv-torch with pip, whose `mirror`
    section holds the lines `mirror` ("pypi: URL"; each `key: value` on its own line). With verify False the
    mirror section starts on line 11 and its first key is on line 12."""
    lines = "".join(f"  {line}\n" for line in mirror.splitlines())
    check = "" if verify is None else f"verify: {str(verify).lower()}\n"
    return ("version: 1\ntarget:\n  kind: venv\n  path: .venv-torch\ntorch:\n  version: 2.13.0\n  variant: cpu\n"
            f"  extras: []\nmethod: pip\n{check}mirror:\n{lines}")


def answers_with_mirror(folder: Path, kind: str, url: str, name: str = "answers.yaml") -> Path:
    """`folder`/work with an answers file (cpu_answers) choosing `url` for `mirror.<kind>`."""
    work = folder / "work"
    work.mkdir(exist_ok=True)
    (work / name).write_text(cpu_answers(f"{kind}: {url}"))
    return work


def folder_with_example(parent: Path, name: str) -> Path:
    """A new folder `name` in `parent` holding a copy of recipes/answers/cpu-venv.yaml, as a person who copied
    the example into a folder of their own has it."""
    import shutil

    folder = parent / name
    folder.mkdir()
    shutil.copy(Path(__file__).resolve().parent.parent / "recipes" / "answers" / "cpu-venv.yaml", folder / "cpu-venv.yaml")
    return folder


def verifying(state: Path) -> bool:
    """Whether last-target.json under the XDG state folder `state` records a verification in progress (an
    install's or the wizard's: installer.probes.last_target.verify_started), as a test that stops one waits for."""
    import json

    try:
        return bool(json.loads((state / "torch-setup" / "last-target.json").read_text()).get("verifying"))
    except (OSError, ValueError):
        return False


def start_install(folder: Path, *, sigint: Any) -> tuple[subprocess.Popen[bytes], Path]:
    """`install --answers cpu-venv.yaml --yes` in `folder`, in its own process group, its output in a log beside
    the folder. `sigint`: the SIGINT disposition it starts with. signal.SIG_DFL is a terminal's foreground job's,
    whatever this test run inherited: a background job of a non-interactive shell (`make test &`, as a fresh-clone
    check runs it) starts with SIGINT ignored (SIG_IGN), and so would the install."""
    import functools
    import os
    import signal

    log = folder.parent / f"{folder.name}-install.out"
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "installer", "install", "--answers", "cpu-venv.yaml", "--yes"],
                                cwd=folder, env={**os.environ, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"},
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=functools.partial(signal.signal, signal.SIGINT, sigint))
    return proc, log


@contextlib.contextmanager
def reaped(proc: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    """`proc`, killed with its process group if a test leaves it running."""
    import os
    import signal

    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def signal_when(proc: subprocess.Popen[bytes], log: Path, seen: Any, sig: int, delay: float = 0.0) -> bool:
    """Send `sig` to `proc`'s process group `delay` s after `seen(its output so far)` is true; False when it ended
    first."""
    import os
    import time

    end = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < end and not seen(log.read_text()):
        time.sleep(0.003)
    time.sleep(delay)
    if proc.poll() is not None:
        return False
    os.killpg(proc.pid, sig)
    return True


def ctrl_c_install(folder: Path, seen: Any, delay: float = 0.0) -> None:
    """`install --answers cpu-venv.yaml --yes` in `folder`, started as from a terminal and Ctrl-C'd (SIGINT to its
    own process group) `delay` s after `seen(output so far)` is true; it must end with exit 130."""
    import signal

    proc, log = start_install(folder, sigint=signal.SIG_DFL)
    with reaped(proc):
        signal_when(proc, log, seen, signal.SIGINT, delay)
        proc.wait(timeout=120)
    assert proc.returncode == 130, proc.returncode


# escape sequences (CSI with its private marks, OSC, charset picks...): what is left is the text a terminal shows
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>PX^_\\]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")


class Terminal:
    """The wizard in a real pseudo-terminal, driven by its keys: what it drew so far, as plain text (the bench
    of its start-up, and the e2e tests of what it leaves in the terminal)."""

    def __init__(self, argv: list[str], cwd: str | Path, *, columns: int = 100, lines: int = 30,
                 env: dict[str, str] | None = None) -> None:
        import fcntl
        import pty
        import struct
        import termios

        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(lines), LANG="C.UTF-8",
                   **(env or {}))
        env.pop("NO_COLOR", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.raw = b""

    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, wait: float) -> int:
        """Add to `raw` what the program drew within `wait` seconds: how many bytes (0: none), -1 once its side
        is closed and all it wrote is read."""
        if not select.select([self.master], [], [], wait)[0]:
            return 0
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the program has ended
            return -1
        self.raw += chunk
        return len(chunk) or -1

    def wait_for(self, pattern: str, timeout: float, *, since: int = 0) -> float:
        """Seconds from start until `pattern` shows in what was drawn after byte `since`."""
        end = time.perf_counter() + timeout
        while time.perf_counter() < end:
            got = self._read(0.01)
            if got < 0:
                break
            if got and re.search(pattern, ANSI.sub("", self.raw[since:].decode("utf-8", "replace"))):
                return time.perf_counter() - self.started
        raise TimeoutError(f"{pattern!r} did not show within {timeout} s")

    def press(self, key: str) -> int:
        mark = len(self.raw)
        os.write(self.master, key.encode())
        return mark

    def wait_exit(self, timeout: float) -> int:
        """Wait for the process to end, reading what it draws meanwhile (a full pty blocks it), then what it
        wrote last (what the terminal keeps once the wizard has quit)."""
        end = time.perf_counter() + timeout
        while self.proc.poll() is None and time.perf_counter() < end and self._read(0.05) >= 0:
            pass
        code = self.proc.wait(timeout=max(end - time.perf_counter(), 0.1))
        while self._read(0.2) > 0:
            pass
        return code

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        kb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]
        return kb / 1024

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self.master)


def env_with_metadata_only(where: Path, torch: str | None, **companions: tuple[str, str]) -> str:
    """A real venv holding only the metadata (a dist-info with METADATA) of `torch` and of each companion
    (name=(version, its Requires-Dist of torch, or "")): what a check of the installed packages reads, where a whole
    torch wheel per test would be gigabytes. Its interpreter."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    packages = {"torch": (torch, "")} if torch is not None else {}
    for name, (version, requires) in {**packages, **companions}.items():
        info = Path(site) / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        requires_line = f"Requires-Dist: {requires}\n" if requires else ""
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n{requires_line}")
    return str(python)
