"""The account pages that write, each with the reason it has no API route
(core.operations; checked by tests/core/test_parity.py)."""

from maillage.core.operations import PageOperation

PAGE_OPERATIONS: tuple[PageOperation, ...] = ()

_SIGN_IN = (
    "se connecter et la double authentification : des pages par nature ; l'API s'utilise "
    "avec la session ouverte ou un jeton"
)
_TOKENS = (
    "un jeton d'API se crée et se révoque depuis la session de son titulaire, jamais par un jeton"
)
_MEMBERS = (
    "les structures et leurs membres se gèrent depuis les pages, avec la double "
    "authentification : l'API ne donne ni ne retire de droits"
)
PAGE_ONLY = {
    "accounts:login": _SIGN_IN,
    "accounts:logout": _SIGN_IN,
    "accounts:otp_setup": _SIGN_IN,
    "accounts:otp_verify": _SIGN_IN,
    "accounts:api_tokens": _TOKENS,
    "accounts:api_token_revoke": _TOKENS,
    "accounts:invitation_accept": (
        "accepter une invitation, c'est créer son compte, par le lien reçu"
    ),
    "accounts:organisation_create": _MEMBERS,
    "accounts:organisation_detail": _MEMBERS,
    "accounts:membership_revoke": _MEMBERS,
    "accounts:invitation_revoke": _MEMBERS,
}
