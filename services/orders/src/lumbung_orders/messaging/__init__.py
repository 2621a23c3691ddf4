"""Kafka consumers of the orders service."""
