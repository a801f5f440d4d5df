"""The trainer app: screens, global keys, styling. The screens hold the behaviour.

Start-up is kept close to a bare Textual app: only the home screen is imported here;
every other screen (and pydantic with the pack models) is imported when it is first
opened, the packs come from the compiled pack cache, and the slow things (the full packs,
the code index, the store's summaries and review sync) load in workers after the first
frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.worker import Worker, WorkerState

# Each registers its entries on the home screen: the billing desk, drills, and Review,
# Exam and Stats.
import codetrainer.tui.billing_actions
import codetrainer.tui.drill_actions
import codetrainer.tui.progress_actions  # noqa: F401
from codetrainer import paths
from codetrainer.tui import (
    course_actions,  # registers Start here and Course on home
    startup_gc,
)
from codetrainer.tui.library import PackEntry, discover_packs, next_unsolved
from codetrainer.tui.screens.home import HomeScreen
from codetrainer.tui.screens.too_small import TooSmallScreen
from codetrainer.tui.services import Services

if TYPE_CHECKING:
    from textual.command import Provider

    from codetrainer.core.models import Case
    from codetrainer.tui.screens.case import CaseDraft


def _trainer_commands() -> type[Provider]:
    """The command palette's provider, imported when the palette first opens."""
    from codetrainer.tui.commands import TrainerCommands

    return TrainerCommands


__all__ = ["MIN_HEIGHT", "MIN_WIDTH", "CodetrainerApp", "run_app"]

MIN_WIDTH = 40
"""Narrowest window the app can be used in."""
MIN_HEIGHT = 12
"""Lowest window the app can be used in."""

_DEFAULT = Path("<default>")


class CodetrainerApp(App[None]):
    """codetrainer: practise medical coding in the terminal."""

    CSS_PATH = "app.tcss"
    TITLE = "codetrainer"
    SUB_TITLE = "medical coding practice"
    # Textual declares these as plain attributes, so no ClassVar here.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # noqa: RUF012
    COMMANDS = App.COMMANDS | {_trainer_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+b", "browse", "Browse codes", show=False),
    ]

    def __init__(
        self,
        pack_paths: Sequence[str | Path] = (),
        *,
        bundled_dir: Path | None = _DEFAULT,
        user_dir: Path | None = _DEFAULT,
        services: Services | None = None,
    ) -> None:
        super().__init__()
        self.pack_paths = list(pack_paths)
        """Packs named on the command line."""
        self.bundled_dir = (
            paths.bundled_content_dir() / "packs" if bundled_dir is _DEFAULT else bundled_dir
        )
        """Folder of bundled packs (None: none)."""
        self.user_dir = paths.user_packs_dir() if user_dir is _DEFAULT else user_dir
        """Folder of the student's own packs (None: none)."""
        self.services = services or Services()
        """Reference, lookup, grading and the progress store."""
        self.packs: list[PackEntry] = []
        """Every pack file found, loaded or failed."""
        self._drafts: dict[tuple[str, str], CaseDraft] | None = None
        self._mounted = False
        self.first_frame_shown = False
        """True once the first screen was painted (workers start only after it)."""
        self.reload_packs()

    # -- start and stop ---------------------------------------------------------------

    def get_default_screen(self) -> HomeScreen:
        """The home screen is the bottom of the stack (no empty screen drawn before it)."""
        return HomeScreen()

    def on_mount(self) -> None:
        self._mounted = True
        self.call_after_refresh(self._after_first_frame)

    def _after_first_frame(self) -> None:
        self.first_frame_shown = True
        startup_gc.resume()  # the collector was paused for start-up by the command
        self._check_size(self.size.width, self.size.height)
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_all()  # now read the progress (in a worker)
        self._warm_up()

    def on_unmount(self) -> None:
        self._save_drafts()
        self.services.close()

    @property
    def drafts(self) -> dict[tuple[str, str], CaseDraft]:
        """Unfinished answers by (pack id, case id); kept across quitting (tui/drafts.py).

        Read on first use (the first case opened), not before the first frame: reading them
        needs the case screen's types.
        """
        if self._drafts is None:
            from codetrainer.tui.drafts import load_drafts

            self._drafts = load_drafts()
        return self._drafts

    async def action_quit(self) -> None:
        """Quit, keeping the answers of open cases as drafts for the next start."""
        self._save_drafts()
        await super().action_quit()

    def _save_drafts(self) -> None:
        """Keep the answers of open cases, then write every draft (never raises)."""
        import sys

        case_module = sys.modules.get("codetrainer.tui.screens.case")
        if case_module is None and self._drafts is None:
            return  # no case was opened and no draft read: nothing to keep (and quit fast)
        from codetrainer.tui.drafts import save_drafts
        from codetrainer.tui.screens.case import CaseScreen

        try:
            # the case being typed: the top screen under any dialog (a case under its
            # feedback was submitted, so it has no draft)
            for screen in reversed(self.screen_stack):
                if isinstance(screen, ModalScreen):
                    continue
                if isinstance(screen, CaseScreen) and screen.is_attached:
                    self.keep_draft(screen.entry, screen.case, screen.draft())
                break
            if self._drafts is not None:  # never read, never changed: nothing to write
                save_drafts(self._drafts)
        except Exception as exc:  # quitting must never fail over a draft
            self.log.error(f"could not keep the unsubmitted answers: {exc}")

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """After the first frame, off the UI thread: the full packs (so opening a case does
        not wait for pydantic), the case screen's modules, then the code index."""
        for entry in list(self.packs):
            entry.pack  # noqa: B018  (loads and keeps it)
        import codetrainer.tui.screens.case  # noqa: F401  (the first case opens at once)

        self.services.warm_up()
        self.call_from_thread(self._index_ready)

    def _index_ready(self) -> None:
        from codetrainer.tui.widgets.lookup_panel import LookupPanel

        problem = self.services.problems.get("search")
        if problem:
            self.notify(f"Code lookup is unavailable: {problem}", severity="warning", markup=False)
        for screen in self.screen_stack:
            for panel in screen.query(LookupPanel):
                panel.refresh_results()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background task failed: say so, keep running."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"A background task failed: {error}", severity="error", markup=False, timeout=8
            )

    # -- window size ------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        if not self._mounted:
            return  # on_mount checks once the home screen is up
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        showing = any(isinstance(s, TooSmallScreen) for s in self.screen_stack)
        if small and not showing:
            self.push_screen(TooSmallScreen(MIN_WIDTH, MIN_HEIGHT))
        elif not small and showing:
            # pop the notice (and anything opened over it, e.g. the command palette)
            while any(isinstance(s, TooSmallScreen) for s in self.screen_stack):
                self.pop_screen()

    # -- packs and cases --------------------------------------------------------------

    def reload_packs(self) -> None:
        """Find and load every pack again."""
        self.packs = discover_packs(
            bundled_dir=self.bundled_dir, user_dir=self.user_dir, extra=self.pack_paths
        )

    def keep_draft(self, entry: PackEntry, case: Case, draft: CaseDraft) -> None:
        """Remember an unfinished answer."""
        if draft.answer.is_empty and not draft.hints_shown:
            self.drafts.pop((entry.id, case.id), None)
        else:
            self.drafts[(entry.id, case.id)] = draft

    def forget_draft(self, entry: PackEntry, case: Case) -> None:
        """Drop the draft once the answer was submitted."""
        self.drafts.pop((entry.id, case.id), None)

    def open_case(self, entry: PackEntry, case: Case, *, replace: bool = False) -> None:
        """Open a case (restoring its draft); ``replace`` swaps out the current screen."""
        from codetrainer.tui.screens.case import CaseScreen

        screen = CaseScreen(entry, case, self.drafts.get((entry.id, case.id)))
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def open_pack(self, entry: PackEntry) -> None:
        """Go home and list the cases of a pack."""
        self.action_home()
        home = self.screen
        if isinstance(home, HomeScreen) and entry in self.packs:
            home.selected = self.packs.index(entry)
            home.chosen = True
            home.refresh_all()
            home.highlight_pack(home.selected)
            home.add_class("-show-cases")
            home.query_one("#cases").focus()

    def open_next_unsolved(self, entry: PackEntry | None) -> None:
        """Open the next unsolved case: in course order when ``entry`` is in the course
        (or None), else the first unsolved case of ``entry`` (or of any pack)."""
        in_course = course_actions.course_next(self, entry)
        if in_course is not None:
            self.open_case(*in_course)
            return
        candidates = [entry] if entry is not None and entry.ok else []
        candidates += [e for e in self.packs if e.ok and e is not entry]
        for candidate in candidates:
            assert candidate.pack is not None
            solved = self.services.solved_cases(candidate.id)
            case = next_unsolved(candidate.pack, solved)
            if case is not None:
                self.open_case(candidate, case)
                return
        self.notify("Every case is solved. Pick one to practise again.", title="All done")

    def open_next_case(self, entry: PackEntry, after: Case, *, replace: bool = False) -> None:
        """The next unsolved case after ``after``: in course order when the case is in the
        course, else in the pack (else simply the pack's next case)."""
        pack = entry.pack
        if pack is None:
            return
        in_course = course_actions.course_next(self, entry, after)
        if in_course is not None:
            self.open_case(*in_course, replace=replace)
            return
        solved = self.services.solved_cases(entry.id)
        case = next_unsolved(pack, solved, after=after.id)
        if case is None:
            ids = [c.id for c in pack.cases]
            index = ids.index(after.id) if after.id in ids else -1
            case = pack.cases[(index + 1) % len(pack.cases)]
            self.notify("Every case of this pack is solved; here is the next one.")
        self.open_case(entry, case, replace=replace)

    # -- global actions ---------------------------------------------------------------

    def action_home(self) -> None:
        """Back to the home screen."""
        from codetrainer.tui.screens.case import CaseScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            current = self.screen
            if isinstance(current, CaseScreen):
                self.keep_draft(current.entry, current.case, current.draft())
            self.pop_screen()

    def action_help(self) -> None:
        """Show the keys of the current screen."""
        from codetrainer.tui.screens.help import HelpScreen, help_rows

        screen = self.screen
        if isinstance(screen, HelpScreen | TooSmallScreen):
            return
        rows = help_rows(screen)
        title = type(screen).__name__.removesuffix("Screen").lower() or "screen"
        self.push_screen(HelpScreen(f"{title} screen", rows))

    def action_browse(self, code: str | None = None) -> None:
        """Open the code browser at ``code`` or at the code under the cursor."""
        from codetrainer.tui.screens.browser import BrowserScreen

        screen = self.screen
        if isinstance(screen, BrowserScreen | TooSmallScreen):
            return
        if code is None:
            getter = getattr(screen, "code_under_cursor", None)
            code = getter() if callable(getter) else None
        self.push_screen(BrowserScreen(code))

    def action_lookup(self) -> None:
        """Look a code up from anywhere; the chosen code opens in the browser."""
        from codetrainer.tui.screens.case import CaseScreen
        from codetrainer.tui.screens.lookup import LookupScreen

        screen = self.screen
        if isinstance(screen, CaseScreen):
            screen.action_lookup()
            return

        def _chosen(hit: object) -> None:
            code = getattr(hit, "code", None)
            if isinstance(code, str):
                self.action_browse(code)

        self.push_screen(LookupScreen(self.services), callback=_chosen)


def run_app(pack_paths: list[str]) -> int:
    """Run the trainer until the student quits; the exit status for the command line."""
    app = CodetrainerApp(pack_paths)
    app.run()
    return app.return_code or 0
