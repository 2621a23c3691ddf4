"""Events out (sea_alert.*) and the consumer that turns them into webhook deliveries."""
