"""The ICD-10-CM tabular list as a tree (chapter > block > category > codes), loaded lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Tree
from textual.widgets.tree import TreeNode

from codetrainer.core.codes import System, try_normalize
from codetrainer.tui.text import one_line
from codetrainer.tui.widgets.code_detail import CodeDetail
from codetrainer.tui.workers import call_back

if TYPE_CHECKING:
    from codetrainer.core.reference import IcdEntry, Reference
    from codetrainer.tui.app import CodetrainerApp

__all__ = ["BrowserScreen", "node_label"]


def node_label(entry: IcdEntry) -> Text:
    """``J02.9  Acute pharyngitis, unspecified`` (chapters read ``Chapter 10``)."""
    text = Text(end="", no_wrap=True, overflow="ellipsis")
    code = f"Ch {entry.code}" if entry.kind == "chapter" else entry.code
    text.append(f"{code} ", style="bold")
    text.append(one_line(entry.description))
    return text


class BrowserScreen(Screen[None]):
    """Browse the tabular list; the detail pane shows the notes of the highlighted code."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("g", "goto", "Go to code"),
        Binding("slash", "goto", "Go to code", show=False),
        Binding("d", "focus_detail", "Detail", show=False),
    ]

    app: CodetrainerApp

    def __init__(self, code: str | None = None) -> None:
        super().__init__(classes="browser-screen")
        self.start_code = code
        """The code to open at (any system; non-ICD codes show their catalog entry)."""
        self.reference: Reference | None = None
        """The loaded reference (None until loaded or when unavailable)."""
        self._loaded: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        goto = Input(placeholder="go to code (E11.9, S52.5) then enter", id="goto")
        goto.tooltip = "Type a code and press enter to open the tree there."
        yield goto
        with Horizontal(id="browser-body"):
            tree: Tree[str] = Tree(Text("ICD-10-CM", end=""), id="tree")
            tree.show_root = False
            tree.guide_depth = 2
            yield tree
            with VerticalScroll(id="detail"):
                yield CodeDetail(id="detail-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#tree").border_title = "ICD-10-CM tabular list"
        self.query_one("#detail").border_title = "Detail"
        detail = self.query_one(CodeDetail)
        detail.show_message("Loading the ICD-10-CM tabular list…")
        self.query_one(Tree).focus()
        self._load()

    @work(thread=True, exclusive=True, group="browser", exit_on_error=False)
    def _load(self) -> None:
        try:
            reference = self.app.services.reference()
            self.app.services.catalog()
        except Exception as exc:  # services never raise, but be safe
            call_back(self, self._failed, str(exc))
            return
        call_back(self, self._ready, reference)

    def _failed(self, why: str) -> None:
        self.query_one(CodeDetail).show_message(f"The code browser is unavailable: {why}")

    def _ready(self, reference: Reference | None) -> None:
        if reference is None:
            why = self.app.services.problems.get("reference", "unknown problem")
            self._failed(why)
            return
        self.reference = reference
        tree: Tree[str] = self.query_one(Tree)
        release = getattr(reference, "release", "ICD-10-CM")
        self.query_one("#tree").border_title = Content(one_line(str(release), 60))
        for chapter in reference.chapters():
            tree.root.add(node_label(chapter), data=chapter.code, allow_expand=True)
        self._loaded.add("")
        tree.root.expand()
        if self.start_code:
            self.jump(self.start_code)
        else:
            tree.get_node_at_line(0)
            tree.move_cursor(tree.root.children[0] if tree.root.children else None)
            self.query_one(CodeDetail).show_message(
                "Pick a chapter; enter or space opens it. g goes to a code."
            )

    # -- tree -------------------------------------------------------------------------

    def _load_children(self, node: TreeNode[str]) -> None:
        code = node.data
        if code is None or code in self._loaded or self.reference is None:
            return
        self._loaded.add(code)
        for child in self.reference.children(code):
            node.add(node_label(child), data=child.code, allow_expand=bool(child.children))

    @on(Tree.NodeExpanded, "#tree")
    def _expanded(self, event: Tree.NodeExpanded[str]) -> None:
        self._load_children(event.node)

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        self._show(event.node.data)

    def _show(self, code: str | None) -> None:
        if code is None or self.reference is None:
            return
        entry = self.reference.get(code)
        if entry is None:
            return
        path = list(reversed(self.reference.ancestors(code)))
        self.query_one(CodeDetail).show_entry(entry, path)
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False)

    def jump(self, raw: str) -> bool:
        """Open the tree at a code (any spelling); catalog codes show their entry only."""
        reference = self.reference
        detail = self.query_one(CodeDetail)
        normalized = try_normalize(raw)
        code = normalized.code if normalized is not None else one_line(raw).upper()
        if normalized is not None and normalized.system is not System.ICD10CM:
            catalog = self.app.services.catalog()
            info = catalog.lookup(code) if catalog is not None else None
            if info is not None:
                detail.show_info(info)
            else:
                detail.show_message(f"{code}: not in the code sets codetrainer knows.")
            return False
        if reference is None:
            return False
        entry = reference.get(code)
        if entry is None:
            detail.show_message(f"{code} is not an ICD-10-CM code in this release.")
            return False
        tree: Tree[str] = self.query_one(Tree)
        chain = [*reversed(reference.ancestors(entry.code)), entry]
        node: TreeNode[str] = tree.root
        for step in chain:
            self._load_children(node)
            found = next((c for c in node.children if c.data == step.code), None)
            if found is None:
                break
            node = found
            if step is not entry:
                node.expand()
        self._load_children(node)
        tree.get_node_at_line(0)  # rebuilds the tree's lines after the expansions
        tree.move_cursor(node)
        self.call_after_refresh(tree.scroll_to_node, node, animate=False)
        self._show(entry.code)
        return True

    # -- actions ----------------------------------------------------------------------

    def action_goto(self) -> None:
        """Focus the go-to box."""
        self.query_one("#goto", Input).focus()

    def action_focus_detail(self) -> None:
        """Focus the detail pane (to scroll long notes)."""
        self.query_one("#detail").focus()

    def action_close(self) -> None:
        """Back to where the browser was opened from."""
        if self.focused is self.query_one("#goto"):
            self.query_one(Tree).focus()
            return
        self.dismiss()

    @on(Input.Submitted, "#goto")
    def _goto(self, event: Input.Submitted) -> None:
        if self.reference is None:
            self.notify("The tabular list is still loading.")
            return
        if self.jump(event.value):
            self.query_one(Tree).focus()

    def code_under_cursor(self) -> str | None:
        """The code under the tree cursor."""
        node = self.query_one(Tree).cursor_node
        return node.data if node is not None else None
