"""Use cases: the only place that combines storage, domain rules and events."""
