"""Agency webhooks: SSRF guard, signed delivery over HTTP, fan-out of alert events."""
