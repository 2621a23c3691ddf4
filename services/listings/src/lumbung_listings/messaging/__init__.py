"""Kafka consumers and event builders of the listings service."""
