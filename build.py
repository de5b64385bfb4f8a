#!/usr/bin/env python3
"""Build, preview and check the microsite: python build.py [build|serve|check|new|translated] --help."""

import sys

from microsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
