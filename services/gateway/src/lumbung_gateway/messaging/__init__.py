"""Empty on purpose: the gateway sends and consumes no events.

It is the HTTP door of the marketplace: it authenticates callers and forwards their requests
to the services, which own every event. The folder exists so every service has the same
top-level shape; a newcomer who looks here for the gateway's Kafka consumers learns that there
are none.
"""
