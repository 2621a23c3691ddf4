"""The orders service's rules of the marketplace, free of I/O.

Everything here is pure: no FastAPI, Mongo or Kafka, no clock and no random ids (callers pass
`now` and ids in). That keeps the rules testable in microseconds and lets the API, the Kafka
handlers and the expiry sweeper share one definition of what an order may do.

Modules, each with one job:
- `states`: the order state machine, one table of allowed transitions.
- `pricing`: the place-order request, listing snapshots and pricing/splitting a cart by seller.
- `delivery`: where an order goes (pickup, or an address), and the rule between the two.
- `readable_text`: text the other party reads (reason, address, note), as format `safe-text`.
- `order_lines`: what an order line holds, and completing one from `stock.reserved`.
- `timeline`: the steps of an order's history.
- `order`: the `Order` aggregate; its methods apply transitions and return events to emit.
- `events`: the plain domain events and saga outcomes the aggregate returns.
- `payments`: payment status rules.
- `callbacks`: the payment-provider callback signature and replay memory.
- `visibility`: which listing snapshots a caller may see.
- `idempotency`: request fingerprints and Idempotency-Key replay.
- `expiry`: when an unconfirmed reservation lapses.
- `risk`: which orders a sea alert puts at risk.
- `saga_backlog`: how many placed orders may wait for their stock decision (clock passed in).
"""
