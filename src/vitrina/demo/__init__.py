"""The demo organisations, built from the seed documents, kept in one place.

``build_demo()`` loads everything; each module adds its part through ``STEPS`` so that
later modules extend the same demo instead of writing their own.
"""
