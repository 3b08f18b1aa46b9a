"""`desktop-ocr doctor`: what onnxruntime can do here, and why CUDA is not granted if not."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from desktop_ocr import __version__
from desktop_ocr.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail
from desktop_ocr.engine.config import load_config
from desktop_ocr.engine.errors import ConfigError, ModelLoadError
from desktop_ocr.engine.packs import ADD_COMMAND, locate_pack
from desktop_ocr.engine.sessions import SessionFactory
from desktop_ocr.resources import config_path
from desktop_ocr.services.hotkey import shortcut_unavailable
from desktop_ocr.services.machine_info import machine_info

logger = logging.getLogger(__name__)
NAME = "doctor"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="check onnxruntime, the models and CUDA",
        description="Report the onnxruntime build, the providers it grants "
        "for the CPU and for CUDA, and why CUDA is not granted.",
    )
    parser.add_argument("--config", metavar="FILE", help="engine config to check (YAML)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        base = load_config(args.config or config_path("config.yaml"))
    except ConfigError as exc:
        return fail(str(exc), EXIT_USAGE)
    info = machine_info()
    out = sys.stdout
    out.write(f"desktop-ocr {__version__}\n")
    out.write(f"system:      {info.os}, Python {info.python}\n")
    out.write(f"cpu:         {info.cpu} ({info.cpu_cores} cores)\n")
    out.write(
        f"gpu:         {info.gpu or 'none found'}"
        f"{f' (driver {info.gpu_driver})' if info.gpu_driver else ''}\n"
    )
    built = f", built for CUDA {info.onnxruntime_cuda}" if info.onnxruntime_cuda else ", CPU only"
    out.write(f"onnxruntime: {info.onnxruntime_package} {info.onnxruntime_version}{built}\n")
    out.write(f"available:   {', '.join(info.available_providers)}\n")
    out.write("             (this lists what the package was built with, not what works here)\n")
    out.write(f"config:      {base.source} (device: {base.device})\n")
    location = locate_pack(base.pack)
    found = (
        location.where
        if location.installed
        else (f"not installed: run `{ADD_COMMAND.format(name=base.pack.name)}`")
    )
    out.write(f"model pack:  {base.pack.title} ({base.pack.name}): {found}\n")
    why_not = shortcut_unavailable()
    out.write(
        "shortcut:    a global capture shortcut can listen here\n"
        if why_not is None
        else f"shortcut:    no global capture shortcut: {why_not}\n"
    )
    status = EXIT_OK
    for device in ("cpu", "cuda"):
        config = base.with_overrides({"device": device})
        factory = SessionFactory(config)
        try:
            runner = factory.create("det", config.models.det)
        except ModelLoadError as exc:
            out.write(f"{device.upper():5s} session: FAILED - {exc}\n")
            return EXIT_USAGE
        report = factory.report()
        verdict = "granted" if not report.fell_back else "NOT GRANTED"
        out.write(f"{device.upper():5s} session: requested {', '.join(report.requested)}\n")
        out.write(
            f"             granted   {', '.join(report.granted)}  [{verdict}]"
            f"  (model {runner.path})\n"
        )
        if report.diagnosis is not None:
            out.write("\nWhy CUDA is not granted:\n")
            out.write("".join(f"  {line}\n" for line in report.diagnosis.text().splitlines()))
            if base.device == "cuda":
                status = EXIT_FAILED
    return status
