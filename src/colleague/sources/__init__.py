"""Readers, one module per export format; `registry` picks one for a path."""
