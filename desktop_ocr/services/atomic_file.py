"""Writes a file so that readers see the old version or the new one, never half of either."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from desktop_ocr.i18n import Msg

# What a failed write means to the person who chose the file, by errno.
_REASONS = {
    errno.ENOSPC: Msg("the disk is full"),
    errno.EDQUOT: Msg("the disk quota is used up"),
    errno.EROFS: Msg("the file system is read-only"),
    errno.EACCES: Msg("permission denied"),
    errno.EPERM: Msg("permission denied"),
    errno.ENOENT: Msg("the folder does not exist"),
    errno.ENOTDIR: Msg("a part of the path is not a folder"),
    errno.EISDIR: Msg("it is a folder"),
    errno.EFBIG: Msg("the file is too large for this file system"),
    errno.ENAMETOOLONG: Msg("the file name is too long"),
}


def write_failure_reason(exc: OSError, folder: Path | None = None) -> str:
    """Why a write failed, in words, with the system's own text after it."""
    reason: str
    if exc.errno in (errno.EACCES, errno.EPERM) and folder is not None:
        reason = Msg("permission denied: the folder {folder} cannot be written to", folder=folder)
    else:
        reason = _REASONS.get(exc.errno or 0) or exc.strerror or str(exc)
    if exc.strerror and exc.strerror.lower() not in reason.lower():
        reason = Msg("{reason} ({detail})", reason=reason, detail=exc.strerror)
    return reason


class WriteError(OSError):
    """A file could not be written; the message names the file the user chose.

    It is an OSError (with the original errno), so callers that catch OSError keep
    working; its text never names the hidden temporary file the data went to first.
    """

    def __init__(self, target: Path, cause: OSError) -> None:
        super().__init__(cause.errno, write_failure_reason(cause, target.parent))
        self.target = target

    def __str__(self) -> str:
        return Msg("cannot write {path}: {reason}", path=self.target, reason=self.strerror)


def write_text_atomic(
    path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8", newline: str | None = None
) -> Path:
    """Writes through a temporary file in the same folder, then renames it over `path`.

    The same folder keeps the rename on one file system, where it is atomic. The file
    keeps the permissions of the one it replaces (a new one gets 0644, not mkstemp's
    0600), and the temporary file is removed when anything fails. A process killed
    mid-write leaves the old file whole (and, at worst, a hidden `.name.*.tmp` beside it).
    Raises WriteError, naming `path`, when the folder or the disk refuses.
    """
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    except OSError as exc:
        raise WriteError(target, exc) from exc
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise WriteError(target, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        tmp.replace(target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(target, exc) from exc
        raise
    return target


class AtomicBinaryFile:
    """A binary file written bit by bit that appears at `path` only on `commit()`.

    For output made over a long run (a PDF of many pages): readers see the old file or
    the finished new one, and `discard()` (or an exception inside `with`) leaves nothing
    behind but the old file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        self._tmp = Path(tmp_name)
        self.handle = os.fdopen(fd, "wb")

    def commit(self) -> Path:
        """Moves the finished file over `path`."""
        try:
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self._tmp.chmod(self._mode)
            self._tmp.replace(self.path)
        except BaseException:
            self.discard()
            raise
        return self.path

    def discard(self) -> None:
        """Drops what was written; `path` keeps what it had."""
        if not self.handle.closed:
            self.handle.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> AtomicBinaryFile:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()
