"""The OpenID Connect provider and adapter used for VNeID (see the package docstring)."""

from __future__ import annotations

import json

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal.jwtkit import verify_jti
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

# Asymmetric algorithms only: "none" and HMAC (keyed with the client secret) are never accepted.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")


class VerifiedIDTokenAdapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("The provider returned no ID token.")
        data = {"id_token": self._decode_id_token(app, id_token)}
        if app.settings.get("fetch_userinfo", False):
            data["userinfo"] = self._fetch_user_info(token.token)
        return self.get_provider().sociallogin_from_response(request, data)

    def _decode_id_token(self, app, id_token: str) -> dict:
        config = self.openid_config
        try:
            header = jwt.get_unverified_header(id_token)
            algorithm = header.get("alg")
            if algorithm not in ALGORITHMS:
                raise OAuth2Error(f"ID token algorithm {algorithm!r} is not accepted.")
            key = self._key(config["jwks_uri"], header.get("kid"), algorithm)
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=[algorithm],
                issuer=config["issuer"],
                audience=app.client_id,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
                leeway=30,
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise OAuth2Error("Invalid ID token.") from exc
        verify_jti(claims)
        return claims

    @staticmethod
    def _key(jwks_uri: str, kid: str | None, algorithm: str):
        with get_adapter().get_requests_session() as session:
            response = session.get(jwks_uri, timeout=10)
            response.raise_for_status()
            keys = response.json().get("keys") or []
        candidates = [k for k in keys if kid is None or k.get("kid") == kid]
        if len(candidates) != 1:
            raise OAuth2Error("No single signing key matches the ID token.")
        jwk = candidates[0]
        if jwk.get("alg") not in (None, algorithm):
            raise OAuth2Error("The key's algorithm differs from the token's.")
        return jwt.PyJWK.from_json(json.dumps({**jwk, "alg": algorithm})).key


class VNeIDProvider(OpenIDConnectProvider):
    oauth2_adapter_class = VerifiedIDTokenAdapter
    package = "citizens.vneid"  # URLs: citizens/vneid/urls.py

    def get_default_scope(self):
        return ["openid"]

    # Accounts link on a verified national ID only; an email from the e-ID is never used to find or make one.
    def extract_email_addresses(self, data):
        return []

    def extract_common_fields(self, data):
        return {**super().extract_common_fields(data), "email": None}


provider_classes = [VNeIDProvider]
