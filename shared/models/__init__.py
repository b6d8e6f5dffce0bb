"""Pydantic models: input (submission), domain/output (article, feed), events."""
