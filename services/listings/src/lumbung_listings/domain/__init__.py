"""The listings service's pure rules: what a listing is and what may happen to it.

Nothing here touches the network, the database or the broker, so every rule can be tested in
milliseconds and reused by the API, the Kafka handlers and batch jobs alike. Rule violations are
raised as `lumbung_shared.errors.DomainError` subclasses carrying bilingual (id/en) messages.
"""
