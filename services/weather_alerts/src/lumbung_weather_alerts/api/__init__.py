"""HTTP routes of the weather-alerts service."""
