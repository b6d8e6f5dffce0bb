"""``python -m infra.local``: run the local runtime until Ctrl-C."""

from infra.local.cli import main

raise SystemExit(main())
