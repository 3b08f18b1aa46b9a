"""The background thread that owns the OCR engine and runs images one at a time.

OcrEngine is not thread-safe and takes about a second to build, so one thread builds
it (after the window is up, never before) and is the only one to touch it. Callers put
jobs in and read plain event dataclasses out of `events`; a GUI polls that queue from
its own thread, so no callback ever runs on the worker thread.
"""

from __future__ import annotations

import collections
import itertools
import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from desktop_ocr.engine import (
    EngineConfig,
    ImageLoadError,
    OcrEngine,
    OcrError,
    ProviderReport,
)
from desktop_ocr.engine.results import page_name
from desktop_ocr.engine.sessions import SessionConstructor
from desktop_ocr.i18n import Msg, message_of
from desktop_ocr.services.event_queue import EventQueue
from desktop_ocr.services.page_reader import PageReader, count_pages, page_options
from desktop_ocr.services.worker_events import (
    EngineFailed,
    EngineLoading,
    EngineReady,
    Job,
    JobCancelled,
    JobDone,
    JobFailed,
    JobStarted,
    Progress,
    Source,
    WorkerEvent,
)

logger = logging.getLogger(__name__)

MAX_UNREAD = 4  # results (with their pixels) read ahead of a consumer that is behind


@dataclass(frozen=True)
class _Reconfigure:
    config: EngineConfig
    rebuild: bool = True  # False: only the page settings changed, the engine stays


class _Stop:
    pass


class OcrWorker:
    """Runs OCR jobs on one background thread that owns the engine.

    Start it with `start()`; the engine is built on the thread right away. `submit`
    queues an image, `cancel` drops the jobs still waiting (the running one finishes),
    `reconfigure` rebuilds the engine before the next job, `stop` ends the thread.
    """

    def __init__(
        self,
        config: EngineConfig,
        *,
        session_factory: SessionConstructor | None = None,
        max_unread: int = MAX_UNREAD,
    ) -> None:
        self.events: EventQueue[WorkerEvent] = EventQueue(JobDone)
        self.max_unread = max_unread
        self._config = config
        self._session_factory = session_factory  # passed to every engine it builds
        self._reported: ProviderReport | None = None
        self._commands: collections.deque[Job | _Reconfigure | _Stop] = collections.deque()
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._finished = 0
        self._thread: threading.Thread | None = None
        self._engine: OcrEngine | None = None
        self._engine_error: str | None = None
        self._spare_memory = False  # the engine has read since it last gave memory back
        self.pages = PageReader(page_options(config))

    # -- called from any thread ----------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        with self._cond:
            self._commands.appendleft(_Reconfigure(self._config))
        self._thread = threading.Thread(target=self._run, name="ocr-worker", daemon=True)
        self._thread.start()

    def submit(self, source: Source, name: str | None = None) -> Job:
        """Queues one image; returns the job, whose id the events carry."""
        source = bytes(source) if isinstance(source, (bytes, bytearray)) else Path(source)
        job = Job(next(self._ids), source, name or str(source))
        with self._cond:
            self._commands.append(job)
            self._cond.notify()
        return job

    def submit_document(
        self, path: Path | str, name: str | None = None, page_count: int | None = None
    ) -> list[Job]:
        """Queues every page of a PDF or TIFF as a job of its own (an image as one job).

        One job per page lets cancel keep the pages done and lets each page show its own
        state and time. A file that cannot be opened (encrypted, damaged, missing) is
        queued as one job, which fails with the reason like any bad image. `page_count`,
        when the caller counted already, saves opening the file here.
        """
        path = Path(path)
        name = name or str(path)
        count = page_count or count_pages(path, self.pages.options)
        if count is None or count == 1:
            return [self.submit(path, name)]
        jobs = [
            Job(next(self._ids), path, page_name(name, index + 1, count), index, count)
            for index in range(count)
        ]
        with self._cond:
            self._commands.extend(jobs)
            self._cond.notify()
        return jobs

    def cancel(self) -> list[Job]:
        """Drops every waiting job (posting JobCancelled for each); the running one finishes."""
        with self._cond:
            dropped = [c for c in self._commands if isinstance(c, Job)]
            kept = [c for c in self._commands if not isinstance(c, Job)]
            self._commands.clear()
            self._commands.extend(kept)
            self._finished += len(dropped)
            for job in dropped:
                self.events.put(JobCancelled(job.job_id, job.name))
            if dropped:
                self.events.put(Progress(self._finished, 0))
        return dropped

    def reconfigure(self, config: EngineConfig) -> bool:
        """Rebuilds the engine with `config` before the next job (after the running one).

        Returns False when only the `documents` settings changed and the engine was up:
        they apply from the next page on, without a rebuild.
        """
        with self._cond:
            pending = [c for c in self._commands if isinstance(c, _Reconfigure)]
            same = replace(config, documents=self._config.documents) == self._config
            rebuild = any(c.rebuild for c in pending) or not same or self._engine is None
            self._config = config
            for command in pending:
                self._commands.remove(command)
            self._commands.appendleft(_Reconfigure(config, rebuild))
            self._cond.notify()
        return rebuild

    def stop(self, timeout: float | None = None) -> bool:
        """Asks the thread to end after the running job; True when it has ended in time."""
        with self._cond:
            self._commands.appendleft(_Stop())
            self._cond.notify()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def pending(self) -> int:
        with self._cond:
            return sum(isinstance(c, Job) for c in self._commands)

    @property
    def config(self) -> EngineConfig:
        return self._config

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the worker thread ---------------------------------------------------------------

    def _next(self) -> Job | _Reconfigure | _Stop:
        """The next command; an image waits while `max_unread` results are not taken.

        When the queue runs out, the engine's spare buffers go back to the system first,
        so an idle window holds no more memory than it needs.
        """
        while True:
            with self._cond:
                idle = not self._commands and self._spare_memory
                if not idle:
                    while not self._commands:
                        self._cond.wait()
                    head = self._commands[0]
                    if not isinstance(head, Job) or self.events.unread < self.max_unread:
                        return self._commands.popleft()
            if idle:
                self._spare_memory = False
                if self._engine is not None:
                    self._engine.release_memory()
                continue
            self.events.wait_taken(timeout=0.2)  # then look again: cancel, stop, new work

    def _run(self) -> None:
        while True:
            command = self._next()
            if isinstance(command, _Stop):
                break
            if isinstance(command, _Reconfigure):
                if command.rebuild:
                    self._build(command.config)
                else:
                    self.pages.options = page_options(command.config)
                continue
            self._process(command)
        self.pages.close()
        self._engine = None
        logger.debug("worker stopped")

    def _build(self, config: EngineConfig) -> None:
        self.events.put(EngineLoading(config.device))
        self._engine = None  # free the old sessions before loading new ones
        started = time.perf_counter()
        try:
            # Warms up when the config asks and CUDA was granted; CUDA failing in the
            # warm-up leaves an engine rebuilt on the CPU.
            engine = OcrEngine(config, session_factory=self._session_factory)
        except OcrError as exc:
            self._fail_engine(message_of(exc))
            return
        except Exception as exc:  # the worker must outlive any failure
            logger.exception("engine could not be built")
            self._fail_engine(f"{type(exc).__name__}: {exc}")
            return
        self._engine = engine
        self._engine_error = None
        self.pages.options = page_options(config)
        seconds = time.perf_counter() - started
        logger.info("engine ready in %.2f s: %s", seconds, ", ".join(engine.providers.granted))
        warmed = config.runtime.warmup and not engine.providers.fell_back
        message = _fallback_message(engine) if engine.cuda_failure else ""
        self._reported = engine.providers
        self.events.put(EngineReady(engine.providers, config, seconds, warmed, message))

    def _fail_engine(self, message: str) -> None:
        self._engine = None
        self._engine_error = message
        logger.error("engine failed: %s", message)
        self.events.put(EngineFailed(message))

    def _process(self, job: Job) -> None:
        self.events.put(JobStarted(job.job_id, job.name))
        event: WorkerEvent
        if self._engine is None:
            event = JobFailed(
                job.job_id,
                job.name,
                Msg(
                    "the OCR engine is not available: {reason}",
                    reason=self._engine_error or Msg("not started"),
                ),
            )
        else:
            event = self._ocr(self._engine, job)
            self._spare_memory = True
            self._report_cpu_fallback(self._engine)
        with self._cond:
            self._finished += 1
            pending = sum(isinstance(c, Job) for c in self._commands)
        self.events.put(event)
        self.events.put(Progress(self._finished, pending))

    def _report_cpu_fallback(self, engine: OcrEngine) -> None:
        """Tells the window when CUDA failed on this job and the engine now runs on the CPU."""
        failure = engine.cuda_failure
        if failure is None or engine.providers is self._reported:
            return
        self._reported = engine.providers
        logger.warning("%s", _fallback_message(engine))
        self.events.put(
            EngineReady(
                engine.providers,
                self._config,
                failure.rebuild_seconds,
                False,
                _fallback_message(engine),
            )
        )

    def _ocr(self, engine: OcrEngine, job: Job) -> WorkerEvent:
        dpi = None
        try:
            if isinstance(job.source, Path):
                loaded, result, dpi = self.pages.read(engine, job.source, job.page)
            else:
                started = time.perf_counter()
                loaded = engine.load(job.source)
                load_ms = (time.perf_counter() - started) * 1000
                result = engine.run(loaded, load_ms=load_ms, started=started)
        except ImageLoadError as exc:
            return JobFailed(job.job_id, job.name, exc.reason)
        except OcrError as exc:
            return JobFailed(job.job_id, job.name, message_of(exc))
        except Exception as exc:  # one bad image must not end the batch
            logger.exception("OCR of %s failed", job.name)
            return JobFailed(job.job_id, job.name, f"unexpected error: {type(exc).__name__}: {exc}")
        return JobDone(job.job_id, job.name, loaded, result, dpi)


def _fallback_message(engine: OcrEngine) -> str:
    failure = engine.cuda_failure
    if failure is None:
        return ""
    return (
        "CUDA failed, so the engine was rebuilt on the CPU and carries on there: "
        f"{failure.diagnosis.summary}"
    )

