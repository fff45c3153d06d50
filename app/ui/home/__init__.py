"""ホーム: what needs doing today."""
