"""The negativity guard: check a draft, show why, offer a kinder rewrite that keeps the point."""
