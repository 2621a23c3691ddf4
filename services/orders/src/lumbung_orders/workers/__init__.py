"""Background loops, each supervised by `lumbung_shared.loops.every`."""
