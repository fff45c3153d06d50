"""PySide6 user interface: windows, pages and dialogs. Thin: every act is a call into app.services."""
