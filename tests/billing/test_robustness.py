"""The billing loader never raises on bad input, and the billing core never loads a UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codetrainer.core.billing.loading import load_billing_answers, load_billing_pack
from codetrainer.core.billing.refdata import BillingReference

PACKS = Path(__file__).resolve().parents[2] / "content" / "billing" / "packs"
LINES = (PACKS / "scrubs.yaml").read_text().splitlines()


def test_billing_core_imports_no_ui() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import codetrainer.core.billing as b\n"
        "for m in pkgutil.iter_modules(b.__path__):\n"
        "    importlib.import_module(f'codetrainer.core.billing.{m.name}')\n"
        "importlib.import_module('codetrainer.commands.billing')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


@given(st.lists(st.integers(0, len(LINES) - 1), min_size=1, max_size=6), st.data())
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_damaged_pack_gives_diagnostics_never_a_traceback(
    tmp_path_factory: object, drop: list[int], data: st.DataObject
) -> None:
    lines = list(LINES)
    for i in sorted(set(drop), reverse=True):
        choice = data.draw(st.sampled_from(["drop", "dedent", "garble"]))
        if choice == "drop":
            del lines[i]
        elif choice == "dedent":
            lines[i] = lines[i].lstrip()
        else:
            lines[i] = lines[i][: len(lines[i]) // 2] + data.draw(
                st.sampled_from(["{", "]", ": :", "x"])
            )
    path = Path(str(tmp_path_factory.mktemp("dmg"))) / "p.yaml"  # type: ignore[attr-defined]
    path.write_text("\n".join(lines))
    loaded = load_billing_pack(path, ref=BillingReference())
    for d in loaded.diagnostics:
        assert d.format().startswith(f"{path}:")
    if loaded.value is None:
        assert any(d.is_error for d in loaded.diagnostics)


@given(st.text(max_size=400))
@settings(max_examples=60, deadline=None)
def test_any_text_as_answers_is_handled(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.yaml"
        try:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        except UnicodeEncodeError:
            return
        loaded = load_billing_answers(path)
        assert loaded.value is not None or loaded.diagnostics
