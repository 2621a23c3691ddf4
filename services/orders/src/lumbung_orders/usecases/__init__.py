"""Use cases: the only code that loads through storage, decides with domain and writes events."""
