"""Emulated library systems the sandbox serves beside the networks: Koha and IRBIS64."""
