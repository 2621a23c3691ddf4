"""Repositories over the weather-alerts database (one collection each)."""
