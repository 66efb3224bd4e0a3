"""Reads of reader services, always scoped to the acting person's organisation."""
