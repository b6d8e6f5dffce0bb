"""The newsroom pipeline's domain: models, enrichment, rendering, services and AWS adapters.

Import direction: functions -> shared.service -> shared.models / shared.enrichment / shared.render
-> shared.store (the only package that imports boto3).
"""
