"""The gateway's background loops, each supervised by `lumbung_shared.loops.every`."""
