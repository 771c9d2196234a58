"""Accessible public reading kiosk."""

__version__ = "0.1.0"
