"""What every area of the UI shares: the app context, the Page base class, widgets, fonts, charts and lazy imports."""
