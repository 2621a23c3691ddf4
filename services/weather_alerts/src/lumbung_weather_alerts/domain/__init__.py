"""The weather-alerts domain: BMKG sea-state rules, alert lifecycle and the formats we publish.

Everything here is pure (no I/O, no clock, no network) so that the rules that decide whether a
fisher goes to sea can be tested exhaustively and reused by the API, the Kafka handlers and the
webhook relay alike. Callers pass in `now`, resolved addresses and random generators.
"""
