"""Gateway settings, read from `GATEWAY_*` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class GatewaySettings(BaseSettings):
    """Where the services are, how long to wait for them, and the keys that vouch for callers."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    service_name: str = Field(default="gateway", title="Service name")
    internal_secret: SecretStr = Field(
        min_length=32, title="HMAC key for the identity header the services verify"
    )
    jwt_keys: SecretStr = Field(
        title="Access-token keys 'kid:secret,kid:secret'; the first signs, all verify"
    )
    jwt_issuer: str = Field(default="https://lumbung.id", title="Access-token issuer")
    jwt_audience: str = Field(default="lumbung-api", title="Access-token audience")
    listings_url: str = Field(default="http://127.0.0.1:8001", title="Listings service URL")
    orders_url: str = Field(default="http://127.0.0.1:8002", title="Orders service URL")
    weather_alerts_url: str = Field(
        default="http://127.0.0.1:8003", title="Weather-alerts service URL"
    )
    connect_timeout_seconds: float = Field(default=2.0, gt=0, title="Upstream connect timeout")
    read_timeout_seconds: float = Field(default=15.0, gt=0, title="Upstream read timeout")
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, title="Largest JSON request body")
    max_upload_bytes: int = Field(
        default=6 * 1024 * 1024, ge=1024, title="Largest multipart (photo) request body"
    )
    log_level: str = Field(default="INFO", title="Log level")
