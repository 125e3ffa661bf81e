"""A citizen-facing guide to Ho Chi Minh City's online public services."""

__version__ = "0.1.0"
