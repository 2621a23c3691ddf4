"""What every Lumbung HTTP service has in common: errors, identity, health, correlation ids."""
