"""lumbung_orders."""
