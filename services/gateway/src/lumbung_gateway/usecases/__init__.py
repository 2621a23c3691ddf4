"""What the gateway does for its own routes: accounts, sessions, agency keys, throttling,
readiness and the merged API description.

Each use case combines the pure rules of `domain` with the repositories of `storage`; routes in
`api` only translate HTTP to these calls.
"""
