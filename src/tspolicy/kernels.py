"""Warm kernels: a fresh kernel process per page, forked from a parent that has imported.

Starting a kernel and importing pandas, matplotlib and :mod:`tspolicy` again for every page
costs more than the page's own work. Each build worker therefore starts one *zygote*: a
Python process that imports those modules once (and loads the dataset, see
:func:`tspolicy.data.preload`) and then only forks. A page's kernel is a child forked from it
that runs ipykernel's ``IPKernelApp`` with the connection file jupyter_client wrote, exactly
as ``python -m ipykernel_launcher -f <file>`` would: a new process per page, so nothing a
notebook does (globals, rcParams, a monkeypatched function, an open figure, its execution
counts) reaches the next page, while the import cost is paid once per worker.

The zygote creates no thread, zmq context or event loop, and does not import the inline
matplotlib backend (ipykernel hooks it into the shell that imports it): the child starts all
of these itself, after the fork. papermill still runs the notebook: :class:`WarmKernelManager`
is jupyter_client's kernel manager with a provisioner (:class:`ForkProvisioner`) whose launch
asks the zygote to fork instead of spawning ``python``; nbclient owns and stops the kernel as
usual.

The zygote dies with its worker (and a kernel with its zygote), even on SIGKILL; connection
files stay in the worker's runtime folder. A zygote that died is started again; when it
cannot serve, the kernel is launched the ordinary way.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner

from .startup import restore_skipped_imports, skip_unneeded_imports

#: What a report imports, imported once by the zygote. Not ``matplotlib.pyplot``'s backend
#: (``matplotlib_inline.backend_inline`` hooks itself into the shell that imports it).
PRELOAD = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "tspolicy.report",
    "tspolicy.charts",
    "tspolicy.narrative",
    "tspolicy.evidence",
    "tspolicy.figurehtml",
    "papermill.inspection",  # report.start reads the notebook's parameters cell with it
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    # the kernel imports its debugger (debugpy) as it starts: 0.2 s a page, measured
    "ipykernel.debugger",
)
#: What ipykernel sets when the variable is unset; the zygote's matplotlib must read it too.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_MAX_MESSAGE = 1 << 22

#: Whether this worker's pages run on warm kernels (``tspolicy build --fresh-kernels``: no).
warm = True
#: Seconds a cell may run before its page fails (``tspolicy build --cell-timeout``); None: no
#: limit. A page that hangs then costs that page only: its kernel is killed.
cell_timeout: float | None = None
_zygote: Zygote | None = None


class ZygoteError(RuntimeError):
    """The zygote could not fork a kernel (it died, or cannot serve this kernel command)."""


class Zygote:
    """A pre-imported process that forks kernels, talked to over a Unix socket pair."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**os.environ, "MPLBACKEND": os.environ.get("MPLBACKEND") or INLINE_BACKEND}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tspolicy.kernels", str(theirs.fileno()), str(os.getpid())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        self.socket = ours

    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, argv: list[str], env: dict[str, str], cwd: str | None, data_dir=None) -> int:
        """Fork a kernel running ``argv`` (ipykernel's launcher); return its process id.

        The kernel gets this process's standard output and error, as a spawned kernel does.
        """
        request = {"argv": argv, "env": env, "cwd": cwd or os.getcwd(), "data_dir": data_dir}
        try:
            socket.send_fds(self.socket, [json.dumps(request).encode()], [1, 2])
            reply = self.socket.recv(_MAX_MESSAGE)
        except OSError as exc:
            raise ZygoteError(f"the kernel zygote is gone ({exc})") from None
        if not reply:
            raise ZygoteError("the kernel zygote is gone")
        answer = json.loads(reply)
        if "pid" not in answer:
            raise ZygoteError(answer.get("error", "the kernel zygote refused"))
        return int(answer["pid"])

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            self.process.wait(5)


def start() -> Zygote:
    """This worker's zygote, started now if it is not running (it imports meanwhile)."""
    global _zygote
    if _zygote is None or not _zygote.alive():
        if _zygote is not None:
            _zygote.close()
        _zygote = Zygote()
    return _zygote


def stop() -> None:
    """Stop this worker's zygote."""
    global _zygote
    if _zygote is not None:
        _zygote.close()
        _zygote = None


class _Forked:
    """The parts of :class:`subprocess.Popen` jupyter_client uses, for a forked kernel.

    The kernel is the zygote's child, which reaps it: its exit status is not known here.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1
            except PermissionError:  # the id was reused by someone else's process
                self.returncode = -1
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching the kernel by a fork of the zygote."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if cmd[1:3] != ["-m", "ipykernel_launcher"]:  # another kernel: launched as usual
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd")
        data_dir = getattr(self.parent, "preload_data_dir", None)
        for attempt in range(2):
            try:
                pid = start().fork(cmd, env, cwd, data_dir)
                break
            except ZygoteError:
                stop()  # a new zygote for the second attempt
                if attempt:
                    return await super().launch_kernel(cmd, **kwargs)
        self.process = _Forked(pid)
        self.pid = self.pgid = pid  # the kernel leads its own session, as a spawned one does
        self.cwd = cwd
        return self.connection_info


class WarmKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, its kernels forked from this worker's zygote."""

    #: The data folder the page reads: the zygote loads it before forking.
    preload_data_dir: str | None = None

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or _new_id()
            self.provisioner = ForkProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        return await super()._async_pre_start_kernel(**kw)

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        # A killed kernel (nbclient's immediate shutdown, once the last cell's output is in)
        # is gone within milliseconds: jupyter_client polls every 0.1 s, a tenth of a
        # second a page.
        await super()._async_wait(pollinterval)


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


def papermill_options(data_dir: str | None = None) -> dict[str, Any]:
    """papermill's keyword arguments for this worker's kernels: the cell timeout, and the
    kernel manager (for nbclient) that forks a warm kernel, unless kernels are fresh."""
    options: dict[str, Any] = {"execution_timeout": cell_timeout}
    if warm:

        class Manager(WarmKernelManager):
            preload_data_dir = data_dir

        options["kernel_manager_class"] = Manager
    return options


# --------------------------------------------------------------------------- the zygote


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


class _KernelShell:
    """What ``get_ipython()`` returns in a kernel, as far as an import can tell: pandas, for
    one, chooses its display options at import by asking whether it runs in a kernel."""

    kernel = True


def _preload() -> None:
    """Import :data:`PRELOAD` as a kernel would (a module that asks gets an IPython kernel),
    then fill the caches every page fills: the interface strings and the templates."""
    import builtins

    builtins.get_ipython = _KernelShell  # type: ignore[attr-defined]
    # debugpy's bundled pydevd warns on import about frozen modules: not the user's concern
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    try:
        for name in PRELOAD:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
        del os.environ["PYDEVD_DISABLE_FILE_VALIDATION"]
    with contextlib.suppress(Exception):  # a page that needs them reports their error itself
        _warm_caches()


def _warm_caches() -> None:
    """What every page reads the same way, read once here (the per-process caches of
    :func:`tspolicy.i18n.strings` and of the two Jinja environments' compiled templates)."""
    from . import i18n, narrative, site

    i18n.strings()
    for environment in (site.environment(), narrative._environment()):
        for name in environment.list_templates(extensions=["j2"]):
            environment.get_template(name)


def _serve(fd: int, parent: int) -> None:
    """The zygote's loop: import, then fork a kernel for each request until the worker goes."""
    _die_with(parent)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped as they exit
    # As ipykernel_launcher: the current folder is not on the path while loading.
    if sys.path and (sys.path[0] == "" or os.path.abspath(sys.path[0]) == os.getcwd()):
        del sys.path[0]
    # Every kernel is this process's child: ipykernel reads its parent from the environment
    # when it is imported.
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    skip_unneeded_imports()  # before papermill.inspection imports nbformat
    _preload()
    launcher = importlib.util.find_spec("ipykernel_launcher")
    channel = socket.socket(fileno=fd)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(channel, _MAX_MESSAGE, 4)
        except OSError:
            break
        if not message:
            break
        request = json.loads(message)
        # Read the data now unless it is held and unchanged (a hash of the files: about a
        # millisecond): the kernel then copies it instead of reading the files again.
        with contextlib.suppress(Exception):  # the kernel reports a data error itself
            from .data import preload

            preload(request.get("data_dir"))
        pid = os.fork()
        if pid == 0:
            channel.close()
            _kernel(request, fds, launcher.origin if launcher else "ipykernel_launcher")
        for descriptor in fds:
            os.close(descriptor)
        channel.send(json.dumps({"pid": pid}).encode())
    os._exit(0)


def _kernel(request: dict[str, Any], fds: list[int], launcher: str) -> None:
    """In the forked child: become ``python -m ipykernel_launcher …``; never returns."""
    code = 1
    try:
        zygote = os.getppid()
        os.setsid()
        _die_with(zygote)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        for descriptor in fds:
            os.close(descriptor)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(zygote)
        os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
        sys.argv = [launcher, *request["argv"][3:]]
        restore_skipped_imports()  # the notebook's imports are its own
        from ipykernel import kernelapp

        try:
            kernelapp.launch_new_instance()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        atexit._run_exitfuncs()
    except BaseException:  # the child must never return into the zygote
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]))
