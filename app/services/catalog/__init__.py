"""Every print the app can make, for whom and on what basis: the one pipeline the UI and the CLI ask (print_catalog)."""
