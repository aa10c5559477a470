"""`python -m tui` is `pmdesk`."""

import sys

from tui.cli import main

sys.exit(main())
