"""``codetrainer schema pack|codeset|answers|course|deck|billing|billing-answers``: JSON Schema.

Point yaml-language-server at the output (``# yaml-language-server: $schema=pack.schema.json``
at the top of a pack) and the editor completes keys and flags mistakes as you type.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

__all__ = ["json_schema", "register"]

KINDS = ("pack", "codeset", "answers", "course", "deck", "billing", "billing-answers")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of packs, code sets, answers, courses, decks or billing files",
        description="Print a JSON Schema for editors (yaml-language-server) to check files.",
    )
    p.add_argument("kind", choices=KINDS, help="which file format")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(handler=_run)


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind."""
    from pydantic import BaseModel

    from codetrainer.core.billing.models import BillingAnswersFile, BillingPack
    from codetrainer.core.curriculum.course import Course
    from codetrainer.core.drills.model import DeckFile
    from codetrainer.core.models import AnswersFile, CodeSet, Pack

    models: dict[str, type[BaseModel]] = {
        "pack": Pack,
        "codeset": CodeSet,
        "answers": AnswersFile,
        "course": Course,
        "deck": DeckFile,
        "billing": BillingPack,
        "billing-answers": BillingAnswersFile,
    }
    model = models[kind]
    from codetrainer.core.contract import editor_schema

    schema: dict[str, Any] = editor_schema(model.model_json_schema(mode="validation"))
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"codetrainer {kind} file"
    return schema


def _run(args: argparse.Namespace) -> int:
    from codetrainer.commands import write_output

    text = json.dumps(json_schema(args.kind), indent=2, ensure_ascii=False) + "\n"
    return 0 if write_output(text, args.output, "schema") else 1
