"""バックアップ: backup to a USB stick, restore, and the 持出し管理簿."""
