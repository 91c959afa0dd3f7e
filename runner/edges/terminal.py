"""The user's terminal joined to a container's TTY: raw mode, window size, both directions.

In raw mode every key, Ctrl-C included, goes to the container's shell as a byte: the
shell decides what an interrupt means, and repro is not interrupted. The terminal is put
back as it was on every way out.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import shutil
import signal
import socket
import struct
import sys
import termios
import tty
from collections.abc import Callable, Iterator
from types import FrameType

Resize = Callable[[int, int], None]
CHUNK = 1 << 16


def is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def window_size(fd: int) -> tuple[int, int]:
    """(rows, columns) of the terminal on `fd`."""
    try:
        packed = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
        rows, cols = struct.unpack("HHHH", packed)[:2]
    except OSError:
        cols, rows = shutil.get_terminal_size()
    return rows or 24, cols or 80


@contextlib.contextmanager
def raw_terminal(fd: int) -> Iterator[None]:
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextlib.contextmanager
def on_resize(fd: int, resize: Resize) -> Iterator[None]:
    """Tell the container the window's size now and after every SIGWINCH."""

    def handler(signum: int, frame: FrameType | None) -> None:
        resize(*window_size(fd))

    previous = signal.signal(signal.SIGWINCH, handler)
    try:
        resize(*window_size(fd))
        yield
    finally:
        signal.signal(signal.SIGWINCH, previous)


def interact(sock: socket.socket, resize: Resize) -> None:
    """Copy keys to `sock` and its output to the screen until the container side closes."""
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    sys.stdout.flush()
    with raw_terminal(stdin), on_resize(stdin, resize):
        _pump(sock, stdin, stdout)


def _pump(sock: socket.socket, stdin: int, stdout: int) -> None:
    reading_keys = True
    conn = sock.fileno()
    while True:
        sources = [conn, stdin] if reading_keys else [conn]
        try:
            ready, _, _ = select.select(sources, [], [])
        except InterruptedError:  # a SIGWINCH; the handler has resized already
            continue
        if conn in ready:
            data = sock.recv(CHUNK)
            if not data:
                return
            _write_all(stdout, data)
        if stdin in ready:
            keys = os.read(stdin, CHUNK)
            if keys:
                sock.sendall(keys)
            else:  # the terminal closed: let the shell see end of input
                reading_keys = False
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_WR)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
