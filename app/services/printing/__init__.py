"""The forms layer: A4 forms with embedded fonts (forms), what a form may disclose (sharing), and a printed PDF's way to the printer or a file (printing)."""
