"""Gateway settings, read from `GATEWAY_*` environment variables.

The first admin account comes from `GATEWAY_BOOTSTRAP_ADMIN_PHONE` and
`GATEWAY_BOOTSTRAP_ADMIN_PASSWORD`: on start-up, if no account has that phone number, an admin
account is created with it (never overwritten, so rotating the password later happens through
the API, not the environment). Leave both unset once the first admin exists.
"""

from __future__ import annotations

from lumbung_shared.secrets import GENERATE_HINT, StrongSecret, check_secret
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lumbung_gateway.domain.keys import KeyConfigError, KeySet


class GatewaySettings(BaseSettings):
    """Where the services are, how long to wait for them, and the keys that vouch for callers."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    service_name: str = Field(default="gateway", title="Service name")
    internal_secret: StrongSecret = Field(
        title="HMAC key for the identity header the services verify"
    )
    jwt_keys: SecretStr = Field(
        title="Access-token keys 'kid:secret,kid:secret'; the first signs, all verify"
    )
    jwt_issuer: str = Field(default="https://lumbung.id", title="Access-token issuer")
    jwt_audience: str = Field(default="lumbung-api", title="Access-token audience")
    access_token_minutes: int = Field(default=15, ge=1, le=60, title="Access-token lifetime")
    refresh_token_days: int = Field(default=30, ge=1, le=90, title="Refresh-token lifetime")
    mongo_url: str = Field(default="mongodb://127.0.0.1:27017/", title="MongoDB URL (accounts)")
    mongo_database: str = Field(default="lumbung_gateway", title="The database the gateway owns")
    mongo_timeout_ms: int = Field(default=5_000, ge=100, title="Mongo server selection timeout")
    mongo_max_pool_size: int = Field(
        default=100, ge=1, title="Mongo connections (1 for FerretDB 1.x: see lumbung_shared.mongo)"
    )
    bootstrap_admin_phone: str | None = Field(default=None, title="First admin's phone number")
    bootstrap_admin_password: SecretStr | None = Field(
        default=None, title="First admin's password (used only when the account is created)"
    )
    argon2_profile: str = Field(
        default="production",
        pattern="^(production|cheapest)$",
        title="argon2 profile: 'production' (RFC 9106 low memory) or 'cheapest' (tests only)",
    )
    listings_url: str = Field(default="http://127.0.0.1:8001", title="Listings service URL")
    orders_url: str = Field(default="http://127.0.0.1:8002", title="Orders service URL")
    weather_alerts_url: str = Field(
        default="http://127.0.0.1:8003", title="Weather-alerts service URL"
    )
    connect_timeout_seconds: float = Field(default=2.0, gt=0, title="Upstream connect timeout")
    read_timeout_seconds: float = Field(
        default=15.0, gt=0, title="Upstream read timeout (each read; event streams beat faster)"
    )
    answer_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        title="How long a service may take to start its answer before the caller gets 503 and "
        "Retry-After (uploads, whose body is still being sent, wait the read timeout)",
    )
    upstream_max_in_flight: int = Field(
        default=32,
        ge=1,
        title="Requests this gateway process has in flight to one service; the next gets 503 "
        "and Retry-After at once",
    )
    breaker_failures: int = Field(default=5, ge=1, title="Failures in a row that open a circuit")
    breaker_cooldown_seconds: float = Field(
        default=10.0, gt=0, title="How long an open circuit refuses calls before one trial"
    )
    upstream_check_timeout_seconds: float = Field(
        default=1.0,
        gt=0,
        le=10,
        title="How long /readyz waits for a service's health (reported, never a reason to be "
        "unready); keep it below the readiness probe's timeout",
    )
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        pattern=r"^https?://[^/?#\s]+$",
        title="Where callers reach this gateway (scheme and host, no path): the OpenAPI "
        "document's `servers` entry and the docs pages' Try it out",
    )
    openapi_cache_seconds: float = Field(
        default=60.0, ge=0, title="How long a merged OpenAPI document is served from memory"
    )
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, title="Largest JSON request body")
    max_header_bytes: int = Field(
        default=16 * 1024, ge=4096, title="Largest request header block (431 beyond it)"
    )
    max_upload_bytes: int = Field(
        default=6 * 1024 * 1024, ge=1024, title="Largest multipart (photo) request body"
    )
    trusted_proxies: str = Field(
        default="",
        title="Comma-separated peer IPs whose X-Forwarded-For is believed (the load balancer)",
    )
    ip_burst: float = Field(default=1000, gt=0, title="Requests per client IP at once")
    ip_per_second: float = Field(default=100, gt=0, title="Sustained requests/s per client IP")
    account_burst: float = Field(default=120, gt=0, title="Requests per account at once")
    account_per_second: float = Field(default=10, gt=0, title="Sustained requests/s per account")
    login_ip_burst: float = Field(default=30, gt=0, title="Logins per client IP at once")
    login_ip_per_second: float = Field(default=0.5, gt=0, title="Sustained logins/s per IP")
    login_phone_burst: float = Field(default=5, gt=0, title="Logins per phone number at once")
    login_phone_per_second: float = Field(
        default=5 / 60, gt=0, title="Sustained logins/s per phone number"
    )
    order_burst: float = Field(default=10, gt=0, title="Orders placed per account at once")
    order_per_second: float = Field(
        default=10 / 60, gt=0, title="Sustained orders placed/s per account"
    )
    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        title="Internal port serving the Prometheus registry (unset: none); never the public one",
    )
    metrics_host: str = Field(
        default="127.0.0.1", max_length=255, title="Address the metrics port binds to"
    )
    log_level: str = Field(default="INFO", title="Log level")

    @field_validator("jwt_keys")
    @classmethod
    def _every_jwt_key_is_strong(cls, value: SecretStr) -> SecretStr:
        """Check each secret of 'kid:secret,...', then parse it as the token issuer will.

        Every secret is checked, not only the active one: a weak key kept for rotation would
        still let anyone mint tokens under its `kid`.
        """
        setting = value.get_secret_value()
        if not setting.strip():
            check_secret(setting)
        for entry in setting.split(","):
            kid, sep, secret = entry.strip().partition(":")
            if sep:
                check_secret(secret, what=f"the secret of key {kid!r}")
        try:
            KeySet.from_setting(setting)
        except KeyConfigError as error:
            raise ValueError(
                f"{error}: write it as 'k1:<secret>' (or 'k2:<new>,k1:<old>' while rotating), "
                f"each secret from: {GENERATE_HINT}"
            ) from None
        return value
