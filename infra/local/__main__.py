"""``python -m infra.local``: run the local runtime until Ctrl-C, or a verb (``token``, ``redrive``)."""

import sys

if len(sys.argv) > 1 and sys.argv[1] in ("token", "redrive"):
    from infra.local.tools import main as verb

    raise SystemExit(verb(sys.argv[1:]))

from infra.local.cli import main

raise SystemExit(main())
