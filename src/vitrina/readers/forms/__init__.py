"""Forms of reader services, one module per area."""
