"""The engine's three models as sessions, and the characters the recogniser spells with.

Kept apart from the pipeline, which only runs what this makes: how many recogniser
sessions there are, and where its dictionary comes from, are decided here.
"""

from __future__ import annotations

from desktop_ocr.engine.config import EngineConfig
from desktop_ocr.engine.ctc_decoder import read_character_file
from desktop_ocr.engine.errors import ModelLoadError
from desktop_ocr.engine.model_runner import ModelRunner
from desktop_ocr.engine.runner_pool import RunnerPool
from desktop_ocr.engine.sessions import SessionFactory, cpu_cores, resolve_model

Runner = ModelRunner | RunnerPool


def make_runners(factory: SessionFactory, config: EngineConfig) -> dict[str, Runner]:
    """det, cls and rec; on the CPU, rec reads a page's lines side by side.

    The lines of a page are read by `runtime.rec_sessions` sessions that split the threads
    one session has; a single line is read by that one session, with all its threads.
    """
    runners: dict[str, Runner] = {
        role: factory.create(role, getattr(config.models, role)) for role in ("det", "cls")
    }
    model = config.models.rec
    solo = factory.create("rec", model)
    runners["rec"] = solo
    cores = config.runtime.intra_op_threads or cpu_cores()
    sessions = min(config.runtime.rec_sessions, cores)
    if config.device == "cpu" and sessions >= 2:
        threads = max(1, cores // sessions)
        runners["rec"] = RunnerPool(solo, lambda: factory.create("rec", model, threads), sessions)
    return runners


def characters(runner: Runner, config: EngineConfig) -> list[str]:
    """The recogniser's characters: models.rec_keys, or the model's own metadata."""
    keys = config.models.rec_keys
    if keys:
        path = resolve_model("rec_keys", keys, config)
        try:
            chars = read_character_file(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise ModelLoadError(
                f"rec_keys ({path})",
                f"cannot be read ({exc})",
                "Point models.rec_keys at a UTF-8 file with one character per line.",
            ) from exc
    else:
        meta = runner.metadata().get("character")
        if not meta:
            raise ModelLoadError(
                f"rec ({runner.path.name})",
                "has no 'character' list in its metadata",
                "Set models.rec_keys in the config to its dictionary file.",
            )
        chars = meta.splitlines()
    classes = runner.session.get_outputs()[0].shape[-1]
    if isinstance(classes, int) and classes != len(chars) + 2:
        raise ModelLoadError(
            f"rec ({runner.path.name})",
            f"predicts {classes} classes but the character list has "
            f"{len(chars)} (+2 for blank and space)",
            "Use the dictionary that belongs to this model.",
        )
    return chars
