"""One module per emulated network; each registers its ``Emulator`` (``sandbox.networks``)."""
