"""Durable background loops: forecast poller, expiry sweep, webhook delivery."""
