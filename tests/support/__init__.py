"""Helpers the tests share: the private stack, tokens, polling."""
