"""devstack: the real Lumbung stack on one machine, without Docker.

Fetches Apache Kafka from Maven Central, builds an embedded FerretDB with Go, runs both on
loopback, creates the topics that `lumbung_shared` declares and starts the four services. The
`make up` command and the integration tests use the same code, so what the tests prove is what
a developer runs.
"""
