"""AWS CDK app (Python) and the moto-backed local runtime derived from its template."""
