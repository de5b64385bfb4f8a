"""A small, fast generator for bilingual static microsites."""

__version__ = "0.1.0"
