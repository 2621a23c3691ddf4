"""lumbung_listings."""
