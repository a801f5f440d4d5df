"""``codetrainer drill list|cards|check``: the drill decks from the command line.

* ``drill list [--json]``: every deck, JSON rows with ``id``, ``kind``, ``title``, ``cards``;
* ``drill cards DECK [--json]``: its cards, JSON rows with ``id``, ``prompt``, ``answer``
  (and ``ask``, ``mode``, ``kind``, ``choices``, ``lookalikes`` ... where they apply);
* ``drill check DECK CARD TEXT [--json]``: checks an answer; JSON with ``verdict``
  (``correct``, ``partial``, ``wrong``), ``kinds`` (``correct``, ``typo``, ``confusable``,
  ``partial``, ``wrong``) and ``explanation``.

Exit status: 0 (``check``: the answer is correct), 1 (``check``: not correct; or problems
loading decks), 2 usage errors (unknown deck or card). Never imports Textual, and does
not record anything in the progress store.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "drill",
        help="list drill decks and cards, check an answer",
        description=(
            "Drills: medical word parts, abbreviations, look-alikes and ICD-10-CM code facts. "
            "Practise them in the trainer (Drills on the home screen); these commands list "
            "and check them for scripts and tests."
        ),
    )
    sub = p.add_subparsers(dest="drill_command", metavar="ACTION")
    p.set_defaults(handler=_usage(p))
    lst = sub.add_parser("list", help="the decks", description="List every drill deck.")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(handler=_list)
    cards = sub.add_parser("cards", help="the cards of a deck", description="List a deck's cards.")
    cards.add_argument("deck", metavar="DECK", help="deck id (see 'drill list')")
    cards.add_argument("--json", action="store_true", help="machine-readable output")
    cards.set_defaults(handler=_cards)
    check = sub.add_parser(
        "check",
        help="check an answer to one card",
        description="Check TEXT as the answer to CARD of DECK. Exit 0 when it is correct.",
    )
    check.add_argument("deck", metavar="DECK", help="deck id")
    check.add_argument("card", metavar="CARD", help="card id (see 'drill cards DECK')")
    check.add_argument("text", nargs="+", metavar="TEXT", help="the answer")
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=_check)


def _usage(parser: argparse.ArgumentParser) -> Any:
    def run(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return run


def _library() -> Any:
    from codetrainer.core.drills.library import DrillLibrary

    library = DrillLibrary()
    for d in library.problems:
        print(d.format(), file=sys.stderr)
    return library


def _list(args: argparse.Namespace) -> int:
    library = _library()
    rows = [d.to_dict() for d in library.decks]
    if args.json:
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        width = max([4, *(len(r["id"]) for r in rows)])
        kind_w = max([4, *(len(r["kind"]) for r in rows)])
        print(f"{'DECK':<{width}}  {'KIND':<{kind_w}}  {'CARDS':>5}  TITLE")
        for r in rows:
            print(f"{r['id']:<{width}}  {r['kind']:<{kind_w}}  {r['cards']:>5}  {r['title']}")
    return 1 if library.problems else 0


def _find_deck(library: Any, deck_id: str) -> Any:
    deck = library.deck(deck_id)
    if deck is None:
        known = ", ".join(d.id for d in library.decks) or "none"
        print(f"codetrainer drill: error: no deck '{deck_id}' (decks: {known})", file=sys.stderr)
    return deck


def _cards(args: argparse.Namespace) -> int:
    library = _library()
    deck = _find_deck(library, args.deck)
    if deck is None:
        return 2
    if args.json:
        json.dump([c.to_dict() for c in deck.cards], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    width = max([2, *(len(c.id) for c in deck.cards)])
    for c in deck.cards:
        prompt = " / ".join(c.prompt.splitlines())
        print(f"{c.id:<{width}}  {prompt}  ->  {c.answer}")
    return 0


def _check(args: argparse.Namespace) -> int:
    library = _library()
    deck = _find_deck(library, args.deck)
    if deck is None:
        return 2
    card = library.card(deck.id, args.card)
    if card is None:
        print(
            f"codetrainer drill: error: deck '{deck.id}' has no card '{args.card}' "
            f"(see: codetrainer drill cards {deck.id})",
            file=sys.stderr,
        )
        return 2
    result = library.check(card, " ".join(args.text))
    if args.json:
        json.dump(result.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(f"{result.verdict} ({', '.join(result.kinds)}): {result.explanation}")
    return 0 if result.is_correct else 1
