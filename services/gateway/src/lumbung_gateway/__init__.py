"""lumbung_gateway."""
