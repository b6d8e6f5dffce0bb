"""Pure, offline, deterministic enrichment: text metrics, slugs, credits, entities and more."""
