"""アウトリーチ: visits, notes, follow-ups, visit rounds and their forms."""
