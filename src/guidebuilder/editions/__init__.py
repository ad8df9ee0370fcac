"""Editions: `Guide` × edition id → `Book` (blocks that apply, placeholders filled, locale, spelling, typography)."""
