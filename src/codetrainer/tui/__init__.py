"""The trainer TUI (Textual). Start it with :func:`codetrainer.tui.app.run_app`."""
