"""HTTP routes of the listings service."""
