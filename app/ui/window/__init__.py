"""The main window and what comes before it: single instance, first run, sign-in and lock, navigation (shell)."""
