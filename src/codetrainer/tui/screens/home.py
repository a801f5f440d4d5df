"""Home: the actions, every pack with its progress (or its errors), and the chosen pack's cases."""

from __future__ import annotations

import contextlib
import inspect
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from codetrainer.tui import course_actions
from codetrainer.tui.home_actions import HOME_ACTIONS, HomeAction
from codetrainer.tui.library import PackEntry
from codetrainer.tui.text import data_text, one_line
from codetrainer.tui.widgets.case_list import CaseList
from codetrainer.tui.widgets.home_menu import HomeMenu, MenuAction

if TYPE_CHECKING:
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["HomeScreen"]


class HomeScreen(Screen[None]):
    """Pick a pack, then a case (or the next unsolved one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_unsolved", "Next unsolved"),
        Binding("escape", "back", "Back", show=False),
        Binding("r", "reload", "Reload packs", show=False),
    ]

    app: CodetrainerApp

    def __init__(self) -> None:
        super().__init__(id="home")
        self.selected: int | None = None
        """Index (in the app's pack list) of the pack whose cases are listed."""
        self.chosen = False
        """True once the learner picked that pack; until then the home screen shows the
        pack of the course's next case (the first pack with no errors before the course
        is read)."""
        self._actions: list[HomeAction] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="home-notice")
        with Horizontal(id="home-body"):
            with Vertical(id="home-left"):
                yield HomeMenu(id="menu")
            with Vertical(id="home-right"):
                yield Static(id="pack-info")
                yield CaseList(id="cases")
                with VerticalScroll(id="pack-errors", can_focus=True):
                    yield Static(id="pack-errors-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#home-left").border_title = "Packs"
        self.query_one("#home-right").border_title = "Cases"
        self.query_one(HomeMenu).focus()

    def on_screen_resume(self) -> None:
        self.refresh_all()

    # -- drawing ----------------------------------------------------------------------

    def _progress(self) -> dict[int, tuple[int, int]]:
        out: dict[int, tuple[int, int]] = {}
        services = self.app.services
        if not services.summaries_ready:
            return out  # drawn without progress until the worker has read the store
        for i, entry in enumerate(self.app.packs):
            if entry.brief is None:
                continue
            solved = services.solved_cases(entry.id)
            ids = {c.id for c in entry.brief.cases}
            out[i] = (len(solved & ids), len(ids))
        return out

    def highlight_pack(self, index: int) -> None:
        """Put the menu's highlight on pack ``index`` (the palette opened it)."""
        from textual.widgets.option_list import OptionDoesNotExist

        menu = self.query_one(HomeMenu)
        with contextlib.suppress(OptionDoesNotExist):
            menu.highlighted = menu.get_option_index(f"pack:{index}")

    def refresh_all(self) -> None:
        """Redraw now with what is known, then read progress in a worker and redraw again.

        The worker starts only once the app's first frame is painted (the app calls this
        again then), so the first screen never waits for the store to be opened, synced or
        summed up.
        """
        self._draw()
        if self.app.first_frame_shown:
            self._load_summaries()

    @work(thread=True, exclusive=True, group="home-summaries", exit_on_error=False)
    def _load_summaries(self) -> None:
        """Off the UI thread: the store's case summaries (one aggregate query) and what the
        home actions need for their labels (the review sync and due count)."""
        app = self.app
        app.services.load_summaries()
        with contextlib.suppress(Exception):  # the pack line then leaves the year out
            app.services.code_year_in_force()
        for action in HOME_ACTIONS:
            if action.prepare is not None:
                # a failure leaves the label as it was (the action reports it when run)
                with contextlib.suppress(Exception):
                    action.prepare(app)
        if self.is_attached:
            app.call_from_thread(self._draw)

    def _draw(self) -> None:
        """Redraw the menu, the notice line and the pack on show (after a case, a reload)."""
        if not self.is_attached:
            return
        packs = self.app.packs
        self._actions = []
        menu_actions: list[MenuAction] = []
        focus_entry = self._entry(self.selected)
        for action in HOME_ACTIONS:
            try:
                label = action.label(self.app, focus_entry)
            except Exception as exc:  # a broken entry must not break the home screen
                label = f"{action.id} (unavailable: {exc})"
            if label is None:
                continue
            self._actions.append(action)
            menu_actions.append(MenuAction(action.id, label, action.key))
        self.query_one(HomeMenu).show(menu_actions, packs, self._progress())
        self._show_notice()
        if self.selected is None or not self.chosen:
            self.selected = self._default_pack()
        self._show_pack(self.selected)

    def _default_pack(self) -> int | None:
        """The course's current pack once the worker has read the course, else the first
        pack that loaded (else the first pack, to show its errors)."""
        packs = self.app.packs
        course_pack = course_actions.suggested_pack(self.app)
        for i, entry in enumerate(packs):
            if course_pack is not None and entry.ok and entry.id == course_pack:
                return i
        first_ok = next((i for i, e in enumerate(packs) if e.ok), None)
        if first_ok is None and packs:
            return 0
        return first_ok

    def _show_notice(self) -> None:
        services = self.app.services
        lines: list[str] = list(services.store_notices)
        if "store" in services.problems:
            lines.append(f"Progress is not saved: {services.problems['store']}")
        if not self.app.packs:
            lines.append(
                "No packs found. Put pack files in your packs folder or name them on the "
                "command line: codetrainer PACK.yaml"
            )
        notice = self.query_one("#home-notice", Static)
        notice.update(data_text("\n\n".join(lines)))
        notice.display = bool(lines)

    def _entry(self, index: int | None) -> PackEntry | None:
        packs = self.app.packs
        if index is None or not 0 <= index < len(packs):
            return None
        return packs[index]

    def _show_pack(self, index: int | None) -> None:
        entry = self._entry(index)
        info = self.query_one("#pack-info", Static)
        cases = self.query_one(CaseList)
        errors = self.query_one("#pack-errors")
        right = self.query_one("#home-right")
        if entry is None:
            info.update(Text("Choose a pack.", end=""))
            cases.show(None, {})
            cases.display = False
            errors.display = False
            return
        right.border_title = Content(one_line(entry.title, 60))
        if entry.brief is None:
            info.update(
                data_text(
                    f"This pack could not be loaded ({entry.source}: {entry.path}). "
                    "Fix the problems below and reload (r)."
                )
            )
            lines = [d.format() for d in entry.diagnostics] or ["(no details)"]
            self.query_one("#pack-errors-text", Static).update(data_text("\n\n".join(lines)))
            cases.display = False
            errors.display = True
            return
        pack = entry.brief
        head = Text(end="")
        warnings = [d for d in entry.diagnostics if not d.is_error]
        # the code year in force is known once the worker has looked (a moment after the
        # first frame, with the progress); until then the line leaves it out
        in_force = self.app.services.code_year_if_known()
        declared = one_line(pack.code_year)
        head.append(f"{len(pack.cases)} cases", style="dim")
        if in_force is None:
            pass
        elif declared.upper().replace(" ", "") == in_force:
            head.append(f" · ICD-10-CM {in_force} in force", style="dim")
        else:
            head.append(f" · written for {declared}, ICD-10-CM {in_force} in force", style="bold")
        head.append(f" · {entry.source}", style="dim")
        if warnings:
            head.append(f" · {len(warnings)} warning(s)", style="dim")
        description = one_line(pack.description, 240)
        if description:
            head.append("\n")
            head.append(description)
        info.update(head)
        errors.display = False
        cases.display = True
        services = self.app.services
        # The cases are listed with their progress, so once the worker has read the store
        # (a moment after the first frame), and drawn once rather than twice.
        if services.summaries_ready:
            cases.show(pack, services.case_summary(entry.id))

    # -- events -----------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#menu")
    def _menu_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        option_id = event.option.id or ""
        if option_id.startswith("pack:"):
            index = int(option_id.split(":", 1)[1])
            if index != self.selected:
                self.selected = index
                self.chosen = True
                self._show_pack(index)

    @on(OptionList.OptionSelected, "#menu")
    async def _menu_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        kind, _, rest = option_id.partition(":")
        if kind == "action":
            await self._run_action(rest)
        elif kind == "pack":
            self.selected = int(rest)
            self.chosen = True
            self._show_pack(self.selected)
            entry = self._entry(self.selected)
            if entry is not None and entry.ok:
                self.add_class("-show-cases")
                self.query_one(CaseList).focus()
            elif entry is not None:
                self.add_class("-show-cases")
                self.query_one("#pack-errors").focus()

    @on(OptionList.OptionSelected, "#cases")
    def _case_selected(self, event: OptionList.OptionSelected) -> None:
        entry = self._entry(self.selected)
        brief = self.query_one(CaseList).highlighted_case()
        pack = entry.pack if entry is not None and brief is not None else None
        case = pack.case(brief.id) if pack is not None and brief is not None else None
        if entry is not None and case is not None:
            self.app.open_case(entry, case)

    async def _run_action(self, action_id: str) -> None:
        for action in self._actions:
            if action.id == action_id:
                try:
                    result = action.run(self.app, self._entry(self.selected))
                    if inspect.isawaitable(result):
                        await result
                except Exception as exc:
                    self.notify(f"{action.id}: {exc}", severity="error", markup=False)
                return

    async def on_key(self, event: events.Key) -> None:
        """Single keys of registered home actions (other than those bound above)."""
        bound = {"n", "r", "escape"}
        for action in self._actions:
            if action.key and action.key == event.key and event.key not in bound:
                event.stop()
                await self._run_action(action.id)
                return

    def action_next_unsolved(self) -> None:
        """Open the next case not solved yet."""
        self.app.open_next_unsolved(self._entry(self.selected))

    def action_back(self) -> None:
        """From the case list back to the pack list."""
        if self.has_class("-show-cases") or self.focused is not self.query_one(HomeMenu):
            self.remove_class("-show-cases")
            self.query_one(HomeMenu).focus()

    def action_reload(self) -> None:
        """Load every pack again (after fixing one in an editor)."""
        self.app.reload_packs()
        self.refresh_all()
        self.notify(f"Reloaded {len(self.app.packs)} pack file(s).")

    def code_under_cursor(self) -> str | None:
        """No code is shown on the home screen."""
        return None

    def help_extra(self) -> list[tuple[str, str]]:
        """The registered home actions, for the help screen."""
        rows = [("enter", "open the highlighted pack, case or action")]
        for action in self._actions:
            if action.key and action.key != "n":
                rows.append((action.key, action.help or action.id))
        return rows
