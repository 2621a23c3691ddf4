"""Background loops of the listings service, each supervised by `lumbung_shared.loops.every`."""
