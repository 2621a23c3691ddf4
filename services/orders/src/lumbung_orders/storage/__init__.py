"""Repositories over the orders database (PyMongo async)."""
