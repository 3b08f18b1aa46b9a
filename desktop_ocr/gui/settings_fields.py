"""The settings dialog's fields: each config key with its label, and text to value and back.

The dialog only turns text into numbers; whether a number is allowed is decided by the
engine's config validation, so the dialog and the YAML files can never disagree.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from desktop_ocr.engine.config import CudaOptions
from desktop_ocr.i18n import N_, _

MIB = 1024 * 1024


def _choices(name: str) -> tuple[str, ...]:
    """The allowed words of a CudaOptions field, read from its type."""
    return tuple(typing.get_args(typing.get_type_hints(CudaOptions)[name]))


@dataclass(frozen=True)
class Field:
    """One setting in the dialog: its config key, its label and how it is typed in."""

    key: str
    label: str
    kind: str  # int, float, mib, bool or choice
    hint: str = ""
    choices: tuple[str, ...] = ()
    spin: tuple[float, float, float] | None = None  # from, to, increment
    cuda: bool = False
    documents: bool = False  # in the Documents box


FIELDS: tuple[Field, ...] = (
    Field(
        "cuda.device_id",
        N_("GPU number"),
        "int",
        N_("0 is the first GPU"),
        spin=(0, 64, 1),
        cuda=True,
    ),
    Field(
        "cuda.gpu_mem_limit",
        N_("GPU memory limit (MiB)"),
        "mib",
        N_("0 = no limit"),
        spin=(0, 1 << 20, 256),
        cuda=True,
    ),
    Field(
        "cuda.arena_extend_strategy",
        N_("Memory arena growth"),
        "choice",
        choices=_choices("arena_extend_strategy"),
        cuda=True,
    ),
    Field(
        "cuda.cudnn_conv_algo_search",
        N_("cuDNN convolution search"),
        "choice",
        N_("HEURISTIC is quick to start"),
        choices=_choices("cudnn_conv_algo_search"),
        cuda=True,
    ),
    Field(
        "cuda.do_copy_in_default_stream",
        N_("Copy data in the default CUDA stream"),
        "bool",
        cuda=True,
    ),
    Field(
        "runtime.intra_op_threads",
        N_("CPU threads"),
        "int",
        N_("0 = automatic"),
        spin=(0, 256, 1),
    ),
    Field(
        "det.limit_side_len",
        N_("Detection size limit (px)"),
        "int",
        N_("images are scaled to this side for detection"),
        spin=(32, 10000, 32),
    ),
    Field(
        "pipeline.text_score",
        N_("Text score threshold"),
        "float",
        N_("0 to 1; lines scoring less are dropped"),
        spin=(0.0, 1.0, 0.05),
    ),
    Field("pipeline.use_cls", N_("Use the angle classifier (reads upside-down lines)"), "bool"),
    Field("documents.dpi", N_("PDF rendering resolution (dpi)"), "int",
          N_("200 to 300 suits most pages"), spin=(50, 600, 50), documents=True),
    Field("documents.text_layer", N_("Use a page's own text layer when it has one (no OCR)"),
          "bool", documents=True),
)
FIELDS_BY_KEY = {f.key: f for f in FIELDS}


class FieldError(Exception):
    """A field's text is not a value of its kind."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def display_value(field: Field, value: Any) -> Any:
    if field.kind == "mib":
        mib = int(value) / MIB
        return str(int(mib)) if mib.is_integer() else f"{mib:.2f}"
    if field.kind == "float":
        return f"{float(value):g}"
    if field.kind == "bool":
        return bool(value)
    return str(value)


def parse_value(field: Field, raw: Any) -> Any:
    """The typed value of a field's text; FieldError says what was expected."""
    if field.kind == "bool":
        return bool(raw)
    text = str(raw).strip()
    if field.kind == "choice":
        return text
    if field.kind in ("int", "mib"):
        try:
            number = int(text)
        except ValueError:
            raise FieldError(
                field.key,
                _("{label}: must be a whole number; got {text!r}").format(
                    label=_(field.label), text=text
                ),
            ) from None
        if field.kind == "mib":
            if number < 0:
                raise FieldError(
                    field.key,
                    _("{label}: must be 0 (no limit) or more").format(label=_(field.label)),
                )
            return number * MIB
        return number
    try:
        return float(text.replace(",", "."))
    except ValueError:
        raise FieldError(
            field.key,
            _("{label}: must be a number; got {text!r}").format(label=_(field.label), text=text),
        ) from None
