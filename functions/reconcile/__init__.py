"""reconcile: publishes due scheduled articles and re-announces stranded work (placeholder until the real one lands)."""
