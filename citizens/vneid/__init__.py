"""National e-ID (VNeID) login through allauth's OpenID Connect provider, with the ID token always verified.

allauth's OpenID Connect provider skips the ID token's signature when the token came straight from the token
endpoint over TLS (the specification allows it). The portal verifies it anyway: the signature against the
provider's published keys with an allow-list of algorithms, the issuer, the audience and the expiry. The provider
class replaces allauth's through `SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]`, and this package
serves the same URLs (`/accounts/oidc/<provider id>/login/` and `.../login/callback/`) with the stricter adapter.
"""
