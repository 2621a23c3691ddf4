"""What the gateway does for its own routes: sign-up, sign-in, sessions and agency keys.

Each use case combines the pure rules of `domain` with the repositories of `storage`; routes in
`api` only translate HTTP to these calls.
"""
