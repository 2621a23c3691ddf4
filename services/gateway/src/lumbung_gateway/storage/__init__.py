"""The gateway's own database: accounts, refresh tokens, login attempts and agency API keys."""
