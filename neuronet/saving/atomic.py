"""Write a file so that a crash mid-save never loses the previous version."""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextlib.contextmanager
def atomic_path(filepath: str | os.PathLike[str], overwrite: bool = True) -> Iterator[str]:
    """Yield a temporary path beside ``filepath``; on success, move it over ``filepath``.

    The temporary file is flushed to disk before ``os.replace`` renames it into place (an atomic
    operation on POSIX and Windows), and the folder entry is synced after. If the block raises,
    or the process dies, the old file is untouched and the temporary one is removed (or left
    as a ``.tmp`` file, never as the target).
    """
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    folder = os.path.dirname(os.path.abspath(filepath))
    handle, temporary = tempfile.mkstemp(
        prefix=f".{os.path.basename(filepath)}.", suffix=".tmp", dir=folder
    )
    os.close(handle)
    try:
        # mkstemp creates 0600 files; give the saved file the mode a plain open() would.
        os.chmod(temporary, _mode_for(filepath))
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    _sync_folder(folder)


def _mode_for(filepath):
    """The old file's permissions, or those a new file gets under the current umask."""
    try:
        return os.stat(filepath).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_folder(folder):
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
