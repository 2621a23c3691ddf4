"""HTTP routes of the gateway: authentication, health, and the proxy to the services."""
