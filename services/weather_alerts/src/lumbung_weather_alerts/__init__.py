"""lumbung_weather_alerts."""
