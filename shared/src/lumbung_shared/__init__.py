"""lumbung_shared."""
