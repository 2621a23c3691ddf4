"""One API description for the whole marketplace, merged from the gateway and its services."""
