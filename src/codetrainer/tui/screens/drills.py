"""Drills: pick a deck (or "Due now"), then answer one card after another.

:class:`DrillsScreen` lists "Due now" and every deck with its size and due cards, above
today's goal and streak. :class:`DrillSessionScreen` asks the cards: type the answer (or
the number of a choice) and press enter; the answer is checked in the core, **saved**,
and only then the verdict shows; enter again moves on. Everything from a deck is data:
drawn as :class:`rich.text.Text`, never markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from codetrainer.tui.drill_actions import drill_library, drills_for, sync_slips, today
from codetrainer.tui.progress_clock import CLOCK
from codetrainer.tui.text import one_line
from codetrainer.tui.workers import call_back

if TYPE_CHECKING:
    from codetrainer.core.drills.cards import DrillCard
    from codetrainer.core.drills.check import CheckResult
    from codetrainer.core.drills.library import DrillLibrary
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["DrillSession", "DrillSessionScreen", "DrillsScreen", "verdict_text"]

_MARKS = {"correct": "✓", "partial": "◐", "wrong": "✗"}
_KIND_WORDS = {
    "correct": "correct",
    "typo": "correct, with a spelling slip",
    "confusable": "wrong: a look-alike",
    "partial": "partly right",
    "wrong": "wrong",
}
_SESSION_SIZE = 20


def verdict_text(result: CheckResult) -> Text:
    """``✓ correct`` / ``✗ wrong: a look-alike`` ... then the explanation (symbol and words)."""
    text = Text(end="")
    kind = result.kinds[0] if result.kinds else result.verdict
    style = {"correct": "bold green", "partial": "bold yellow"}.get(result.verdict, "bold red")
    text.append(f"{_MARKS.get(result.verdict, '?')} {_KIND_WORDS.get(kind, kind)}", style=style)
    text.append(" · you wrote ", style="dim")
    text.append(one_line(result.given, 80))
    text.append("\n")
    text.append(result.explanation)
    return text


def _goal_line(app: CodetrainerApp) -> Text:
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    drills = drills_for(app)
    if drills is None:
        text.append("Progress is not saved (no progress store)", style="italic")
        return text
    try:
        status = drills.today(today())
    except Exception as exc:
        text.append(f"Progress cannot be read: {one_line(str(exc), 80)}", style="italic")
        return text
    mark = "✓ " if status.met else ""
    text.append(f"{mark}Today {status.done}/{status.goal} cards", style="bold")
    days = "day" if status.streak == 1 else "days"
    text.append(f" · streak {status.streak} {days}")
    return text


class DrillsScreen(Screen[None]):
    """Choose what to drill."""

    CSS_PATH = "../drills.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("plus,equals_sign", "goal(5)", "Goal +5", show=False),
        Binding("minus", "goal(-5)", "Goal −5", show=False),
    ]

    app: CodetrainerApp

    def __init__(self) -> None:
        super().__init__(id="drills")
        self.library: DrillLibrary | None = None
        """The decks, once loaded."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="drills-goal")
        yield OptionList(id="drills-decks", markup=False)
        yield Static(id="drills-note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#drills-decks").border_title = "Drills"
        self.query_one("#drills-note", Static).update(Text("Loading decks…", end=""))
        self.query_one("#drills-goal", Static).update(_goal_line(self.app))
        self.query_one(OptionList).focus()
        self._load()

    def on_screen_resume(self) -> None:
        if self.library is not None:
            self.refresh_decks()

    @work(thread=True, exclusive=True, group="drill-decks", exit_on_error=False)
    def _load(self) -> None:
        library = drill_library(self.app)
        call_back(self, self._loaded, library)

    def _loaded(self, library: DrillLibrary) -> None:
        self.library = library
        sync_slips(self.app)
        self.refresh_decks()

    def refresh_decks(self) -> None:
        """Redraw the list with the due counts and the goal line."""
        library = self.library
        if library is None:
            return
        self.query_one("#drills-goal", Static).update(_goal_line(self.app))
        drills = drills_for(self.app)
        due: dict[str, int] = {}
        if drills is not None:
            try:
                for key in drills.due_keys(CLOCK.now()):
                    deck_id = key.split("/", 1)[0]
                    due[deck_id] = due.get(deck_id, 0) + 1
            except Exception:
                due = {}
        menu = self.query_one(OptionList)
        keep = menu.highlighted
        menu.clear_options()
        total = sum(n for d, n in due.items() if library.deck(d) is not None)
        head = Text(end="")
        head.append("▶ Due now", style="bold")
        head.append(f"  {total} card{'s' if total != 1 else ''}", style="dim")
        options: list[Option | None] = [Option(head, id="due"), None]
        for deck in library.decks:
            label = Text(end="")
            label.append(one_line(deck.title), style="bold")
            label.append(f"\n  {deck.kind} · {len(deck.cards)} cards", style="")
            if due.get(deck.id):
                label.append(f" · {due[deck.id]} due", style="bold")
            options.append(Option(label, id=f"deck:{deck.id}"))
        menu.add_options(options)
        menu.highlighted = keep if keep is not None and keep < menu.option_count else 0
        problems = library.problems
        note = self.query_one("#drills-note", Static)
        if problems:
            note.update(Text(f"{len(problems)} deck problem(s): {problems[0].format()}", end=""))
        else:
            note.update(Text("enter: start · +/−: daily goal · esc: back", end="", style="dim"))

    @on(OptionList.OptionSelected, "#drills-decks")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        library = self.library
        option_id = event.option.id or ""
        if library is None:
            return
        drills = drills_for(self.app)
        now = CLOCK.now()
        if option_id == "due":
            cards = (
                drills.due_cards(library.decks, now, resolve=library.card)
                if drills is not None
                else []
            )
            if not cards:
                self.notify("Nothing is due right now. Pick a deck to learn new cards.")
                return
            self.app.push_screen(DrillSessionScreen("Due now", cards[:_SESSION_SIZE]))
            return
        deck = library.deck(option_id.removeprefix("deck:"))
        if deck is None:
            return
        if drills is not None:
            cards = drills.session(deck, now, new_cards=_SESSION_SIZE, resolve=library.card)
        else:
            cards = list(deck.cards)
        self.app.push_screen(DrillSessionScreen(deck.title, cards[:_SESSION_SIZE]))

    def action_back(self) -> None:
        self.dismiss()

    def action_goal(self, step: int) -> None:
        drills = drills_for(self.app)
        if drills is None:
            self.app.bell()
            return
        goal = max(5, min(500, drills.goal() + step))
        try:
            drills.set_goal(goal)
        except Exception as exc:
            self.notify(f"Goal not saved: {exc}", severity="warning", markup=False)
            return
        self.query_one("#drills-goal", Static).update(_goal_line(self.app))
        self.notify(f"Daily goal: {goal} cards.")


@dataclass(slots=True)
class DrillSession:
    """One sitting: the cards to ask and how each went."""

    title: str
    cards: list[DrillCard]
    position: int = 0
    results: list[CheckResult] = field(default_factory=list)

    @property
    def card(self) -> DrillCard | None:
        return self.cards[self.position] if self.position < len(self.cards) else None

    @property
    def right(self) -> int:
        return sum(1 for r in self.results if r.verdict == "correct")


class DrillSessionScreen(Screen[None]):
    """Answer the cards of a session, one at a time, by keyboard."""

    CSS_PATH = "../drills.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
    ]

    app: CodetrainerApp

    def __init__(self, title: str, cards: list[DrillCard]) -> None:
        super().__init__(id="drill-session")
        self.session = DrillSession(title, list(cards))
        """What is asked and answered."""
        self.answered: CheckResult | None = None
        """The result of the card on show once it is answered (None while asking)."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="drill-progress")
        with VerticalScroll(id="drill-body"):
            yield Static(id="drill-ask")
            yield Static(id="drill-prompt")
            yield Static(id="drill-choices")
            yield Static(id="drill-feedback")
        yield Input(id="drill-answer")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#drill-body").border_title = one_line(self.session.title, 60)
        self._show_card()

    # -- drawing ----------------------------------------------------------------------

    def _progress_text(self) -> Text:
        s = self.session
        text = Text(end="", no_wrap=True, overflow="ellipsis")
        shown = min(s.position + 1, len(s.cards))
        text.append(f"Card {shown} of {len(s.cards)}", style="bold")
        text.append(f" · {s.right} right")
        goal = _goal_line(self.app)
        text.append(" · ")
        text.append_text(goal)
        return text

    def _show_card(self) -> None:
        self.answered = None
        card = self.session.card
        answer = self.query_one("#drill-answer", Input)
        feedback = self.query_one("#drill-feedback", Static)
        feedback.update("")
        feedback.display = False
        self.query_one("#drill-progress", Static).update(self._progress_text())
        if card is None:
            self._show_done()
            return
        ask = Text(end="")
        if self._is_leech(card):
            ask.append("⚑ leech (missed 8 times): rewrite it in your own words. ", style="bold")
        ask.append(card.ask, style="italic")
        self.query_one("#drill-ask", Static).update(ask)
        self.query_one("#drill-prompt", Static).update(Text(card.prompt, end="", style="bold"))
        choices = self.query_one("#drill-choices", Static)
        if card.choices:
            text = Text(end="")
            for i, choice in enumerate(card.choices, 1):
                if i > 1:
                    text.append("\n")
                text.append(f"{i} ", style="bold")
                text.append(choice)
            choices.update(text)
            choices.display = True
            answer.placeholder = f"1-{len(card.choices)} or the text, then enter"
        else:
            choices.display = False
            answer.placeholder = "type the answer, then enter"
        answer.value = ""
        answer.disabled = False
        answer.focus()
        self.query_one("#drill-body", VerticalScroll).scroll_home(animate=False)

    def _show_done(self) -> None:
        s = self.session
        n = len(s.results)
        self.query_one("#drill-ask", Static).update(Text("Session done", end="", style="bold"))
        text = Text(end="")
        if n:
            text.append(f"{s.right} of {n} right. ")
        text.append("Missed cards come back soon; the others when they are due.")
        self.query_one("#drill-prompt", Static).update(text)
        self.query_one("#drill-choices", Static).display = False
        answer = self.query_one("#drill-answer", Input)
        answer.value = ""
        answer.placeholder = "enter or esc: back to the decks"
        answer.focus()

    # -- answering --------------------------------------------------------------------

    @on(Input.Submitted, "#drill-answer")
    def _submitted(self, event: Input.Submitted) -> None:
        card = self.session.card
        if card is None:
            self.dismiss()
            return
        if self.answered is not None:
            self.session.position += 1
            self._show_card()
            return
        text = event.value
        if not text.strip():
            self.app.bell()
            return
        library = drill_library(self.app)
        result = library.check(card, text)
        saved = self._record(card, result)  # committed before the verdict shows
        self.answered = result
        self.session.results.append(result)
        feedback = verdict_text(result)
        if card.guideline:
            feedback.append(f"\nRule: {card.guideline}.", style="dim")
        if saved is not None:
            feedback.append(f"\n(not saved: {one_line(saved, 120)})", style="italic")
        box = self.query_one("#drill-feedback", Static)
        box.update(feedback)
        box.display = True
        box.set_class(result.verdict == "correct", "-right")
        box.set_class(result.verdict != "correct", "-wrong")
        self.query_one("#drill-progress", Static).update(self._progress_text())
        event.input.value = ""
        event.input.placeholder = "enter: next card"
        self.call_after_refresh(box.scroll_visible, animate=False)

    def _is_leech(self, card: DrillCard) -> bool:
        drills = drills_for(self.app)
        if drills is None:
            return False
        try:
            state = drills.states().get(card.key)
        except Exception:
            return False
        return state is not None and state.leech

    def _record(self, card: DrillCard, result: CheckResult) -> str | None:
        drills = drills_for(self.app)
        if drills is None:
            return self.app.services.problems.get("store", "no progress store")
        try:
            drills.record(card, result, now=CLOCK.now(), day=today())
        except Exception as exc:
            return str(exc) or type(exc).__name__
        return None

    def action_back(self) -> None:
        self.dismiss()

    def key_state(self) -> dict[str, Any]:
        """What the screen shows (for tests): card id, answered verdict, position."""
        card = self.session.card
        return {
            "card": card.id if card else None,
            "verdict": self.answered.verdict if self.answered else None,
            "position": self.session.position,
        }
