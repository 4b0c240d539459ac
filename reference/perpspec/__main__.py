import sys

from perpspec.cli import main

sys.exit(main())
