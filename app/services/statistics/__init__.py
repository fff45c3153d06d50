"""Counts for the 年度: the statistics page, its form and its Excel export."""
