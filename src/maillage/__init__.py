"""Maillage: the information system of territorial health cooperation."""

__version__ = "0.1.0"
