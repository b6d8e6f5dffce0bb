"""AWS adapters: the only package that imports boto3. Clients are created lazily and cached."""
