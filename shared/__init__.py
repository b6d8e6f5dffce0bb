"""The newsroom pipeline's domain: models, enrichment, rendering, services and AWS adapters.

Import direction (enforced by `make lint`, see CONTRIBUTING.md): functions -> shared.service ->
shared.render -> shared.enrichment -> shared.store (the only package that imports boto3) -> shared.models.
"""
