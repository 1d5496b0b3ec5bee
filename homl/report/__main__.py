"""`python -m homl.report page|readme`: the plots page, or the README's tables and figures (see page.py)."""

import sys

from homl.report.page import main

sys.exit(main())
