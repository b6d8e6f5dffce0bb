"""Use cases: each service takes its adapters in its constructor (fakes in unit tests)."""
