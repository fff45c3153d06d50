"""設定: the town's settings."""
