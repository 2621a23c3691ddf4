"""Repositories over the listings database (PyMongo async)."""
