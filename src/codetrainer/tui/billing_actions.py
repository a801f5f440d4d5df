"""The Billing desk entry on the home screen, and the loaded billing packs (no Textual here).

Registered with :func:`codetrainer.tui.home_actions.register_home_action`; the app imports
this module once. The packs are loaded on first use and kept per app.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codetrainer.tui.home_actions import HomeAction, register_home_action

if TYPE_CHECKING:
    from codetrainer.core.billing.models import BillingPack
    from codetrainer.core.billing.refdata import BillingReference
    from codetrainer.core.diagnostics import Diagnostic
    from codetrainer.tui.app import CodetrainerApp
    from codetrainer.tui.library import PackEntry

__all__ = ["BillingLibrary", "billing_library", "open_billing_desk"]


@dataclass(slots=True)
class BillingLibrary:
    """Every billing pack found (bundled and the student's own) and the reference data."""

    packs: list[BillingPack] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    ref: BillingReference | None = None

    def find(self, exercise_id: str) -> tuple[BillingPack, Any] | None:
        for pack in self.packs:
            ex = pack.exercise(exercise_id)
            if ex is not None:
                return pack, ex
        return None

    @property
    def count(self) -> int:
        return sum(len(p.exercises) for p in self.packs)


_LIBRARIES: weakref.WeakKeyDictionary[Any, BillingLibrary] = weakref.WeakKeyDictionary()


def billing_library(app: CodetrainerApp, *, reload: bool = False) -> BillingLibrary:
    """The app's billing packs, loaded once (``reload`` loads them again)."""
    lib = _LIBRARIES.get(app)
    if lib is not None and not reload:
        return lib
    from codetrainer.core.billing.loading import find_billing_packs, load_billing_pack
    from codetrainer.core.billing.refdata import load_billing_reference

    lib = BillingLibrary()
    try:
        lib.ref = load_billing_reference()
    except Exception:  # the desk still works; the summaries are missing
        lib.ref = None
    for path in find_billing_packs():
        loaded = load_billing_pack(path, ref=lib.ref)
        if loaded.value is not None:
            lib.packs.append(loaded.value)
        lib.problems.extend(d for d in loaded.diagnostics if d.is_error)
    _LIBRARIES[app] = lib
    return lib


def _prepare(app: CodetrainerApp) -> None:
    """In the home screen's worker: load the billing packs (YAML and models)."""
    billing_library(app)


def _label(app: CodetrainerApp, entry: PackEntry | None) -> str | None:
    """``Billing desk (N exercises)`` once the worker has loaded them (a label stays cheap)."""
    lib = _LIBRARIES.get(app)
    if lib is None or not lib.packs:
        return None
    return f"Billing desk ({lib.count} exercises)"


def open_billing_desk(app: CodetrainerApp, entry: PackEntry | None = None) -> None:
    """Push the billing desk."""
    from codetrainer.tui.screens.billing_desk import BillingDeskScreen

    app.push_screen(BillingDeskScreen())


register_home_action(
    HomeAction(
        id="billing",
        label=_label,
        run=open_billing_desk,
        key="b",
        help="Open the billing desk: claims, scrubbing, denials and payment posting.",
        prepare=_prepare,
    )
)
