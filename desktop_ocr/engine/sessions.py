"""The one place where onnxruntime sessions are made and their granted providers read.

A session asked for CUDA on a machine without it does not raise: it silently runs on
the CPU. So every session is created here, what onnxruntime wrote to the native stderr
is captured, the providers it actually granted are returned as data, and a diagnosis
is attached when CUDA was requested and not granted.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from desktop_ocr.engine.config import EngineConfig, RuntimeOptions
from desktop_ocr.engine.cuda_diagnosis import diagnose_cuda
from desktop_ocr.engine.errors import ModelLoadError
from desktop_ocr.engine.model_runner import ModelRunner
from desktop_ocr.engine.packs import (
    PACKS,
    locate_pack,
    model_folders,
    pack_fix,
    pack_owning,
    pack_places,
)
from desktop_ocr.engine.results import ProviderReport
from desktop_ocr.i18n import Msg

logger = logging.getLogger(__name__)

CPU = "CPUExecutionProvider"
CUDA = "CUDAExecutionProvider"

_preload_lock = threading.Lock()
_preload_output: str | None = None
_capture_lock = threading.Lock()


# onnxruntime's own log lines ("2026-11-27 07:43:43.53 [E:onnxruntime:Default, ...]"), and
# the colour resets it prints on a line of their own.
_ORT_LOG_LINE = re.compile(
    rb"^(?:\x1b\[[0-9;]*m)*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \[[VIWEF]:onnxruntime:"
)
_COLOUR_ONLY = re.compile(rb"^(?:\x1b\[[0-9;]*m)+\s*$")


def split_native_output(data: bytes) -> tuple[str, bytes]:
    """onnxruntime's log lines (as text), and everything else, byte for byte."""
    ours: list[bytes] = []
    others: list[bytes] = []
    for line in data.splitlines(keepends=True):
        if _ORT_LOG_LINE.match(line) or _COLOUR_ONLY.match(line):
            ours.append(line)
        else:
            others.append(line)
    return b"".join(ours).decode("utf-8", errors="replace"), b"".join(others)


@contextlib.contextmanager
def capture_native_stderr() -> Iterator[list[str]]:
    """Collects what onnxruntime writes to file descriptor 2 inside the block.

    onnxruntime logs provider failures from C++, which Python's logging cannot see, so
    fd 2 points at a temporary file for the block. That is process-wide: what other
    threads write meanwhile lands there too, so it is written back to the real stderr
    when the block ends, and only onnxruntime's own lines are kept. Yields a list that
    holds those lines once the block ends. Keep the block short: the other threads'
    output is held back until then.
    """
    captured: list[str] = []
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):  # no fd 2 (e.g. a windowed frozen app)
        yield captured
        return
    with _capture_lock, tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield captured
        finally:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                sys.stderr.flush()
            captured.append(_give_back_stderr(tmp.fileno(), saved))


def _give_back_stderr(held: int, saved: int) -> str:
    """Points fd 2 back at `saved` and writes out what other threads wrote to `held`.

    What was written so far goes out before fd 2 is switched back, so that a thread still
    writing cannot put a later line ahead of its earlier ones; only what lands in the
    instant between that and the switch follows it. pread leaves the file offset, which
    fd 2 shares, where the writers expect it. Returns onnxruntime's own lines.
    """
    if not hasattr(os, "pread"):  # Windows: no pread; switch first, then write it all out
        os.dup2(saved, 2)
        os.close(saved)
        os.lseek(held, 0, os.SEEK_SET)
        ours, others = split_native_output(_read_all(held))
        with contextlib.suppress(OSError):
            os.write(2, others)
        return ours
    size = os.fstat(held).st_size
    head_ours, head_others = split_native_output(os.pread(held, size, 0))
    with contextlib.suppress(OSError):
        os.write(saved, head_others)
    os.dup2(saved, 2)
    os.close(saved)
    tail = os.pread(held, os.fstat(held).st_size - size, size)
    tail_ours, tail_others = split_native_output(tail)
    with contextlib.suppress(OSError):
        os.write(2, tail_others)
    return head_ours + tail_ours


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def preload_cuda_libraries() -> str:
    """Calls onnxruntime.preload_dlls() once, so CUDA/cuDNN from nvidia-* wheels are found.

    Returns what it printed (it reports missing libraries on stdout, not by raising).
    """
    global _preload_output
    with _preload_lock:
        if _preload_output is not None:
            return _preload_output
        import onnxruntime as ort

        preload = getattr(ort, "preload_dlls", None)
        if preload is None:
            _preload_output = ""
            return _preload_output
        buffer = io.StringIO()
        try:
            with contextlib.redirect_stdout(buffer), capture_native_stderr() as native:
                preload()
        except Exception as exc:  # noqa: BLE001 - preload is best effort by design
            buffer.write(f"preload_dlls failed: {exc}\n")
            native = []
        _preload_output = buffer.getvalue() + "".join(native)
        if _preload_output.strip():
            logger.info("onnxruntime.preload_dlls: %s", _preload_output.strip())
        return _preload_output


def requested_providers(config: EngineConfig) -> list[tuple[str, dict[str, Any]]]:
    """The provider list (with options) that a config asks onnxruntime for."""
    if config.device == "cuda":
        opts = config.cuda
        cuda_options: dict[str, Any] = {
            "device_id": opts.device_id,
            "arena_extend_strategy": opts.arena_extend_strategy,
            "cudnn_conv_algo_search": opts.cudnn_conv_algo_search,
            "do_copy_in_default_stream": opts.do_copy_in_default_stream,
        }
        if opts.gpu_mem_limit > 0:
            cuda_options["gpu_mem_limit"] = opts.gpu_mem_limit
        return [(CUDA, cuda_options), (CPU, {})]
    return [(CPU, {})]


def session_options(runtime: RuntimeOptions) -> Any:
    import onnxruntime as ort

    levels = {
        "disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }
    opts = ort.SessionOptions()
    opts.graph_optimization_level = levels[runtime.graph_optimization]
    opts.enable_cpu_mem_arena = runtime.cpu_mem_arena
    opts.log_severity_level = 3
    # Spinning threads keep a core busy after each run, stealing it from the window.
    opts.add_session_config_entry(
        "session.intra_op.allow_spinning", "1" if runtime.allow_spinning else "0"
    )
    opts.add_session_config_entry(
        "session.inter_op.allow_spinning", "1" if runtime.allow_spinning else "0"
    )
    if runtime.intra_op_threads > 0:
        opts.intra_op_num_threads = runtime.intra_op_threads
    if runtime.inter_op_threads > 0:
        opts.inter_op_num_threads = runtime.inter_op_threads
    return opts


def resolve_model(role: str, name: str, config: EngineConfig) -> Path:
    """Finds a model file: the pack's own, a path (relative to the config), or a name.

    A bare name that is not the pack's file is looked for in every pack's folders, so a
    config may mix files of two packs; DESKTOP_OCR_MODEL_DIR, when set, is the only folder.
    """
    pack = config.pack
    candidate = Path(name).expanduser()
    if candidate.is_absolute() or len(candidate.parts) > 1:
        if not candidate.is_absolute() and config.base_dir is not None:
            candidate = config.base_dir / candidate
        if candidate.is_file():
            return candidate
        raise ModelLoadError(
            f"{role} ({name})",
            Msg("file not found (looked for {path})", path=candidate),
            Msg(
                "Set models.{role} in the config to the path of a valid file, or remove it to "
                "use the {pack} pack's own.",
                role=role,
                pack=pack.title,
            ),
        )
    tried: list[str] = []
    for owner in (pack, *(p for p in PACKS.values() if p is not pack)):
        for file_role, file in owner.files.items():
            if file.name != name:
                continue
            location = locate_pack(owner)
            if file_role in location.paths:
                return location.paths[file_role]
            tried.append(owner.name)
    if tried:
        owner = PACKS[tried[0]]
        raise ModelLoadError(
            f"{role} ({name})",
            Msg(
                "file not found: the {pack} model pack is not installed (looked in {places})",
                pack=owner.title,
                places=pack_places(owner),
            ),
            pack_fix(owner),
        )
    folders = model_folders()
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    where = ", ".join(str(f) for f in folders) or "no model folder"
    raise ModelLoadError(
        f"{role} ({name})",
        Msg("file not found (looked in {where})", where=where),
        Msg(
            "Put {name} in one of those folders, or set models.{role} in the config to its path.",
            name=name,
            role=role,
        ),
    )


def damaged_fix(config: EngineConfig, role: str) -> str:
    """What to do about a model file that exists but onnxruntime cannot load."""
    name = getattr(config.models, role) or ""
    owner = pack_owning(Path(name).name, config.pack) if Path(name).name == name else None
    if owner is not None:
        return Msg("The file is damaged or incomplete. {fix}", fix=pack_fix(owner))
    return Msg(
        "Set models.{role} in the config to the path of a valid .onnx file, or remove it to "
        "use the {pack} pack's own.",
        role=role,
        pack=config.pack.title,
    )


def cpu_cores() -> int:
    """The physical cores this process may run on: what onnxruntime sizes its threads by."""
    import psutil

    physical = psutil.cpu_count(logical=False) or os.cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        physical = min(physical, len(os.sched_getaffinity(0)))
    return max(1, physical)


SessionConstructor = Callable[..., Any]
"""Makes one onnxruntime session: onnxruntime.InferenceSession's signature
(path, sess_options=..., providers=...), and an object with its methods back."""


class SessionFactory:
    """Makes the sessions for one engine and keeps what onnxruntime said and granted.

    `session_factory` replaces onnxruntime.InferenceSession, for a caller that needs to
    wrap or replace the sessions (the engine passes its own through).
    """

    def __init__(
        self, config: EngineConfig, session_factory: SessionConstructor | None = None
    ) -> None:
        self.config = config
        self.providers = requested_providers(config)
        self.messages: list[str] = []
        self._granted: list[tuple[str, ...]] = []
        self._make = session_factory

    def create(self, role: str, model_name: str, threads: int | None = None) -> ModelRunner:
        """One session; `threads` replaces the config's intra-op thread count."""
        import onnxruntime as ort

        path = resolve_model(role, model_name, self.config)
        cuda = self.config.device == "cuda"
        if cuda:
            preload = preload_cuda_libraries()
            if preload.strip():
                self.messages.append(preload)
        make = self._make or ort.InferenceSession
        runtime = self.config.runtime
        if threads is not None:
            runtime = replace(runtime, intra_op_threads=threads)
        # Only a CUDA request has something to explain, so only then is fd 2 captured.
        capture = capture_native_stderr() if cuda else contextlib.nullcontext([])
        try:
            with capture as native:
                session = make(
                    str(path),
                    sess_options=session_options(runtime),
                    providers=self.providers,
                )
        except Exception as exc:  # onnxruntime's errors carry no stable type
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(
                f"{role} ({path})",
                Msg("cannot be loaded: {detail}", detail=text),
                damaged_fix(self.config, role),
            ) from exc
        said = "".join(native).strip()
        if said:
            self.messages.append(said)
            logger.debug("onnxruntime said while loading %s: %s", path.name, said)
        granted = tuple(session.get_providers())
        self._granted.append(granted)
        logger.info("%s model %s: providers granted %s", role, path.name, ", ".join(granted))
        arena = self.config.runtime.cpu_mem_arena and CUDA not in granted
        return ModelRunner(role, path, session, granted, arena=arena)

    def report(self) -> ProviderReport:
        """Requested vs granted; granted is what every session got (the weakest one)."""
        requested = tuple(name for name, _ in self.providers)
        granted = min(self._granted, key=lambda g: (CUDA in g, len(g))) if self._granted else ()
        diagnosis = None
        if CUDA in requested and CUDA not in granted:
            diagnosis = diagnose_cuda("\n".join(self.messages))
            # Reported as data (ProviderReport.diagnosis); callers decide how to show it.
            logger.info("CUDA requested but not granted: %s", diagnosis.summary)
        return ProviderReport(requested, granted, diagnosis)
