"""The gateway's pure rules: identity, credentials, throttling and upstream health.

Nothing in this package does I/O: storage hands in the stored state, callers pass `now` (only
token issuing/verifying fall back to the wall clock when it is omitted), and every rule that
says no raises a `lumbung_shared.errors.DomainError` (see `errors`) with a bilingual message.
That keeps the security core small enough to review line by line and to test exhaustively
without FastAPI, Mongo or Kafka.
"""
