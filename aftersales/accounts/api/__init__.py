"""JSON API of accounts: API tokens and the caller's own profile."""
