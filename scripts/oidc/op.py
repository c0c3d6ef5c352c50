#!/usr/bin/env python3
"""A real OpenID provider for the tests and the demo of "Entra con SPID" / "Entra con CIE".

The protocol is idpyoidc's (idpyoidc.server: provider configuration, dynamic registration,
authorization with PKCE, token with private_key_jwt, userinfo as a signed JWT, end session);
this file is only the glue around it: a stdlib HTTP server on 127.0.0.1, the login form, the
test users (users.json beside this file) and, for the relying party's negative tests, a fault
switch under /_test/.

    python op.py --port PORT [--issuer http://127.0.0.1:PORT] [--state-dir DIR]

FOR TESTING ONLY: every test user's password is "test".
"""
import argparse
import base64
import hashlib
import html
import http.cookies
import json
import logging
import os
import secrets
import sys
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

from cryptojwt.jwk.rsa import new_rsa_key
from cryptojwt.jws.jws import JWS
from cryptojwt.jws.jws import factory as jws_factory
from idpyoidc.message.oauth2 import ResponseMessage
from idpyoidc.message.oidc import AccessTokenRequest
from idpyoidc.message.oidc import AuthorizationRequest
from idpyoidc.server import Server
from idpyoidc.server.configure import OPConfiguration
from idpyoidc.server.exception import ClientAuthenticationError
from idpyoidc.server.user_authn.user import UserAuthnMethod
from idpyoidc.server.user_authn.user import create_signed_jwt
from idpyoidc.server.user_authn.user import verify_signed_jwt
from idpyoidc.server.oidc.token_helper.access_token import AccessTokenHelper
from idpyoidc.server.user_info import UserInfo

HERE = os.path.dirname(os.path.abspath(__file__))
FISCAL_NUMBER = "https://attributes.eid.gov.it/fiscal_number"
SPID_L1 = "https://www.spid.gov.it/SpidL1"
SPID_L2 = "https://www.spid.gov.it/SpidL2"
SPID_L3 = "https://www.spid.gov.it/SpidL3"
FAULTS = (
    "wrong_audience",
    "wrong_issuer",
    "expired",
    "wrong_signature",
    "replayed_nonce",
    "userinfo_wrong_signature",
)
ID_TOKEN_LIFETIME = 300

log = logging.getLogger("oidc-op")

# idpyoidc's server objects are not meant for concurrent use: one request at a time.
LOCK = threading.RLock()


def load_users():
    with open(os.path.join(HERE, "users.json"), encoding="utf-8") as f:
        return json.load(f)


USERS = load_users()


# --- the login form (glue): an idpyoidc user authentication method ------------------------

PAGE = """<!DOCTYPE html>
<html lang="it">
<head><meta charset="utf-8"><title>Identity provider di test (SPID/CIE)</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}}
.note{{background:#fff3cd;border:1px solid #e0c060;padding:.5rem}}
.error{{background:#f8d7da;border:1px solid #c06060;padding:.5rem}}
label{{display:block;margin-top:1rem}} input{{display:block;width:100%;padding:.3rem}}
button{{margin-top:1rem;padding:.5rem 1.5rem}}
</style></head>
<body>
<h1>Identity provider di test (SPID/CIE)</h1>
<p class="note">Solo per i test: questo non &egrave; un identity provider reale. Utenti di prova:
{users}; password <code>test</code>.</p>
<p>Richiesta del servizio <strong>{client}</strong>, livello {acr}.</p>
{error}
<form method="post" action="{action}">
<input type="hidden" name="token" value="{token}">
<label for="username">Nome utente</label>
<input id="username" name="username" type="text" autocomplete="username" required autofocus value="{username}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Entra</button>
</form>
</body></html>
"""


class SpidTestLogin(UserAuthnMethod):
    """Username and password against users.json. It never reuses an earlier login (no single
    sign-on): every authorization request shows the form, as SPID asks for levels 2 and 3."""

    url_endpoint = "/login"

    def __init__(self, upstream_get=None, **kwargs):
        super().__init__(upstream_get=upstream_get, **kwargs)

    def authenticated_as(self, client_id, cookie=None, **kwargs):
        return None, 0

    def __call__(self, **kwargs):
        _context = self.upstream_get("context")
        _keyjar = self.upstream_get("attribute", "keyjar")
        token = create_signed_jwt(_context.issuer, _keyjar, **kwargs)
        return render_login(token, kwargs)

    def verify(self, username="", password="", **kwargs):
        user = USERS.get(username)
        return username if user and user.get("password") == password else None

    def unpack_token(self, token):
        return verify_signed_jwt(token=token, keyjar=self.upstream_get("attribute", "keyjar"))


def render_login(token, info, error="", username=""):
    query = parse_qs(info.get("query", ""))
    client = (query.get("client_id") or [""])[0]
    cinfo = SERVER.context.cdb.get(client, {}) if SERVER else {}
    return PAGE.format(
        users=", ".join("<code>%s</code>" % html.escape(u) for u in USERS),
        client=html.escape(cinfo.get("client_name") or client),
        acr=html.escape(info.get("authn_class_ref", "").rsplit("/", 1)[-1]),
        error='<p class="error" role="alert">%s</p>' % html.escape(error) if error else "",
        action=SpidTestLogin.url_endpoint,
        token=html.escape(token, quote=True),
        username=html.escape(username, quote=True),
    )


class AtHashAccessTokenHelper(AccessTokenHelper):
    """idpyoidc's authorization_code grant, with at_hash in the ID token (the SPID/CIE profile
    asks for it; idpyoidc adds it only when it is handed the access token)."""

    def _mint_token(self, token_class, grant, session_id, client_id, based_on=None, scope=None,
                    token_args=None, token_type=""):
        if token_class == "id_token" and getattr(self, "_access_token", None):
            token_args = dict(token_args or {}, access_token=self._access_token)
        token = super()._mint_token(token_class, grant, session_id, client_id, based_on=based_on,
                                    scope=scope, token_args=token_args, token_type=token_type)
        if token_class == "access_token":
            self._access_token = token.value  # requests run one at a time (LOCK)
        return token

    def process_request(self, req, **kwargs):
        self._access_token = None
        try:
            return super().process_request(req, **kwargs)
        finally:
            self._access_token = None


def public_subject(state_dir):
    """The subject identifier: a salted hash of the user name, its salt kept in the state
    directory, so that a user's sub stays the same across restarts (and differs between OPs)."""
    path = os.path.join(state_dir, "sub_salt")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(secrets.token_hex(16))
    with open(path) as f:
        salt = f.read().strip()

    def sub(uid, *args, **kwargs):
        return hashlib.sha256(("%s|%s" % (salt, uid)).encode("utf-8")).hexdigest()

    return sub


# --- the idpyoidc configuration ------------------------------------------------------------

def op_config(issuer, state_dir):
    def p(name):
        return os.path.join(state_dir, name)

    login = {"class": SpidTestLogin, "kwargs": {}}
    user_claims = [FISCAL_NUMBER, "given_name", "family_name", "email", "phone_number"]
    return {
        "issuer": issuer,
        "entity_id": issuer,
        "httpc_params": {"verify": False, "timeout": 4},
        "key_conf": {
            "private_path": p("op_jwks.json"),
            "key_defs": [{"type": "RSA", "use": ["sig"]}],
            "read_only": False,
        },
        "cookie_handler": {
            "class": "idpyoidc.server.cookie_handler.CookieHandler",
            "kwargs": {
                "keys": {
                    "private_path": p("cookie_jwks.json"),
                    "key_defs": [
                        {"type": "OCT", "use": ["enc"], "kid": "enc"},
                        {"type": "OCT", "use": ["sig"], "kid": "sig"},
                    ],
                    "read_only": False,
                },
                "name": {
                    "session": "oidc_op",
                    "register": "oidc_op_rp",
                    "session_management": "oidc_op_sman",
                },
            },
        },
        "preference": {
            "subject_types_supported": ["public"],
            "grant_types_supported": ["authorization_code"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "request_object_signing_alg_values_supported": ["RS256"],
            "claims_parameter_supported": True,
            "acr_values_supported": [SPID_L1, SPID_L2, SPID_L3],
            "scopes_supported": ["openid", "profile", "email", "phone", "offline_access"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "acr", "at_hash"]
            + user_claims,
        },
        "add_on": {
            "pkce": {
                "function": "idpyoidc.server.oauth2.add_on.pkce.add_support",
                "kwargs": {"essential": True, "code_challenge_method": "S256"},
            }
        },
        "authz": {
            "class": "idpyoidc.server.authz.AuthzHandling",
            "kwargs": {
                "grant_config": {
                    "usage_rules": {
                        "authorization_code": {
                            "supports_minting": ["access_token", "id_token"],
                            "max_usage": 1,
                            "expires_in": 300,
                        },
                        "access_token": {"expires_in": 3600},
                    },
                    "expires_in": 43200,
                }
            },
        },
        # The first is the default (no acr_values): SpidL2.
        "authentication": {
            "spid_l2": dict(login, acr=SPID_L2),
            "spid_l1": dict(login, acr=SPID_L1),
            "spid_l3": dict(login, acr=SPID_L3),
        },
        "userinfo": {"class": UserInfo, "kwargs": {"db": {u: v["claims"] for u, v in USERS.items()}}},
        # All of a user's attributes come with the scope openid alone (SPID asks for them with
        # the claims parameter, which works too).
        "scopes_to_claims": {
            "openid": ["sub"] + user_claims,
            "profile": ["given_name", "family_name", FISCAL_NUMBER],
            "email": ["email"],
            "phone": ["phone_number"],
        },
        "claims_interface": {"class": "idpyoidc.server.session.claims.ClaimsInterface", "kwargs": {}},
        "session_params": {
            "sub_func": {"public": {"function": public_subject(state_dir)}},
            "encrypter": {
                "kwargs": {
                    "keys": {
                        "key_defs": [
                            {"type": "OCT", "use": ["enc"], "kid": "password"},
                            {"type": "OCT", "use": ["enc"], "kid": "salt"},
                        ]
                    },
                    "iterations": 1,
                }
            }
        },
        "token_handler_args": {
            "jwks_def": {
                "private_path": p("token_jwks.json"),
                "read_only": False,
                "key_defs": [{"type": "oct", "bytes": "24", "use": ["enc"], "kid": "code"}],
            },
            "code": {"kwargs": {"lifetime": 300}},
            "token": {
                "class": "idpyoidc.server.token.jwt_token.JWTToken",
                "kwargs": {"lifetime": 3600, "alg": "RS256"},
            },
            "id_token": {
                "class": "idpyoidc.server.token.id_token.IDToken",
                "kwargs": {"lifetime": ID_TOKEN_LIFETIME},
            },
        },
        "template_dir": HERE,
        "endpoint": {
            "provider_config": {
                "path": ".well-known/openid-configuration",
                "class": "idpyoidc.server.oidc.provider_config.ProviderConfiguration",
                "kwargs": {"client_authn_method": None},
            },
            "registration": {
                "path": "registration",
                "class": "idpyoidc.server.oidc.registration.Registration",
                "kwargs": {"client_authn_method": None},
            },
            "authorization": {
                "path": "authorization",
                "class": "idpyoidc.server.oidc.authorization.Authorization",
                "kwargs": {
                    "client_authn_method": None,
                    "claims_parameter_supported": True,
                    "request_parameter_supported": False,
                    "request_uri_parameter_supported": False,
                    "response_types_supported": ["code"],
                    "response_modes_supported": ["query"],
                },
            },
            "token": {
                "path": "token",
                "class": "idpyoidc.server.oidc.token.Token",
                "kwargs": {
                    "client_authn_method": ["private_key_jwt"],
                    "grant_types_helpers": {
                        "authorization_code": {"class": AtHashAccessTokenHelper, "kwargs": {}},
                    },
                },
            },
            "userinfo": {
                "path": "userinfo",
                "class": "idpyoidc.server.oidc.userinfo.UserInfo",
                "kwargs": {"claim_types_supported": ["normal"]},
            },
            "end_session": {
                "path": "end_session",
                "class": "idpyoidc.server.oidc.session.Session",
                "kwargs": {
                    "client_authn_method": None,
                    "logout_verify_url": issuer + "/_logout_verify",
                    "post_logout_uri_path": "_logged_out",
                    "signing_alg": "RS256",
                    "frontchannel_logout_supported": False,
                    "backchannel_logout_supported": False,
                },
            },
        },
    }


SERVER = None  # idpyoidc.server.Server
ISSUER = ""
JWKS_PATH = "/jwks"


class TestState:
    """What the /_test/ endpoints keep: pending faults, logouts, nonces per client."""

    def __init__(self):
        self.faults = {}  # client_id -> fault name (next token response only)
        self.userinfo_faults = {}  # access_token -> fault, armed by a token response
        self.logouts = {}  # client_id -> count
        self.nonces = {}  # client_id -> [nonce of each authorization request, in order]


TEST = TestState()


# --- HTTP glue ------------------------------------------------------------------------------

class Reply:
    def __init__(self, status=200, body=b"", ctype="application/json", headers=None, cookies=None):
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.ctype = ctype
        self.headers = list(headers or [])
        if isinstance(cookies, dict):
            cookies = [cookies]
        self.cookies = list(cookies or [])


def json_reply(obj, status=200):
    return Reply(status, json.dumps(obj), "application/json")


def error_reply(error, description="", status=400):
    body = {"error": error}
    if description:
        body["error_description"] = description
    return json_reply(body, status)


def redirect(location, cookies=None):
    return Reply(302, b"", "text/plain", [("Location", location), ("Cache-Control", "no-store")], cookies)


def http_info_of(req):
    return {
        "headers": {k.lower(): v for k, v in req.headers.items() if k.lower() not in ("cookie",)},
        "method": req.command,
        "url": ISSUER + req.path,
        "cookie": [{"name": k, "value": m.value} for k, m in req.cookies.items()],
    }


def from_idpy(endpoint, req_args, args):
    """Turns what an idpyoidc endpoint answered into a Reply."""
    if "redirect_location" in args:
        return redirect(args["redirect_location"])
    if "http_response" in args:
        return Reply(200, args["http_response"], "text/html; charset=utf-8",
                     [("Cache-Control", "no-store")])
    info = endpoint.do_response(request=req_args, **args)
    placement = info.get("response_placement", endpoint.response_placement)
    cookies = info.get("cookie") or []
    if isinstance(cookies, dict):
        cookies = [cookies]
    if placement == "url":
        return redirect(info["response"], cookies)
    status = info.get("response_code", 400 if args.get("error") else 200)
    headers = list(info.get("http_headers") or [])
    ctype = "application/json"
    for k, v in headers:
        if k.lower() == "content-type":
            ctype = v
    headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
    return Reply(status, info["response"], ctype, headers, cookies)


def is_error(msg):
    return isinstance(msg, ResponseMessage) and "error" in msg


def idpy_error(msg):
    status = 401 if msg.get("error") in ("invalid_client", "unauthorized_client") else 400
    return Reply(status, msg.to_json(), "application/json")


def serve(endpoint_name, req, args):
    """Runs one request through an idpyoidc endpoint: parse_request, process_request,
    do_response."""
    endpoint = SERVER.get_endpoint(endpoint_name)
    http_info = http_info_of(req)
    try:
        parsed = endpoint.parse_request(args, http_info=http_info)
    except ClientAuthenticationError as err:
        return error_reply("invalid_client", str(err), 401)
    except Exception as err:  # idpyoidc raises for many malformed requests
        log.info("parse_request failed: %s", err)
        return error_reply("invalid_request", str(err))
    if is_error(parsed):
        return idpy_error(parsed)
    try:
        if endpoint_name == "token":
            parsed = AccessTokenRequest(**parsed)
        result = endpoint.process_request(parsed, http_info=http_info)
    except Exception as err:
        log.info("process_request failed: %s", "".join(traceback.format_exception(err)))
        return error_reply("invalid_request", str(err))
    if is_error(result):
        return idpy_error(result)
    if isinstance(result, dict) and "error" in result and "response_args" not in result:
        if "return_uri" in result:  # an authorization error goes back to the client
            q = {"error": result["error"]}
            for k in ("error_description", "state"):
                if result.get(k):
                    q[k] = result[k]
            q["iss"] = ISSUER
            sep = "&" if "?" in result["return_uri"] else "?"
            return redirect(result["return_uri"] + sep + urlencode(q))
        return error_reply(result["error"], result.get("error_description", ""))
    return from_idpy(endpoint, parsed, result)


# --- the endpoints --------------------------------------------------------------------------

def provider_configuration(req, query):
    rep = serve("provider_config", req, query)
    if rep.status == 200:
        conf = json.loads(rep.body)
        conf["issuer"] = ISSUER
        conf["jwks_uri"] = ISSUER + JWKS_PATH
        # What this OP really accepts (idpyoidc lists every method it knows).
        conf["token_endpoint_auth_methods_supported"] = ["private_key_jwt"]
        conf["code_challenge_methods_supported"] = ["S256"]
        conf["id_token_signing_alg_values_supported"] = ["RS256"]
        conf["userinfo_signing_alg_values_supported"] = ["RS256"]
        conf["acr_values_supported"] = [SPID_L1, SPID_L2, SPID_L3]
        conf["claims_parameter_supported"] = True
        conf["response_types_supported"] = ["code"]
        conf["response_modes_supported"] = ["query"]
        conf["grant_types_supported"] = ["authorization_code"]
        conf["subject_types_supported"] = ["public"]
        conf["prompt_values_supported"] = ["login", "consent"]
        conf["request_parameter_supported"] = False
        conf["request_uri_parameter_supported"] = False
        for unsupported in ("jwks", "token_endpoint_auth_methods", "frontchannel_logout_supported",
                            "frontchannel_logout_session_required", "backchannel_logout_supported",
                            "backchannel_logout_session_required"):
            conf.pop(unsupported, None)
        rep.body = json.dumps(conf).encode()
    return rep


def jwks(req, query):
    return Reply(200, json.dumps(SERVER.context.keyjar.export_jwks(issuer_id="")),
                 "application/jwk-set+json")


def registration(req, body):
    try:
        meta = json.loads(body or b"{}")
    except ValueError:
        return error_reply("invalid_client_metadata", "the body is not JSON")
    if not isinstance(meta, dict):
        return error_reply("invalid_client_metadata", "the body is not a JSON object")
    if meta.get("token_endpoint_auth_method", "private_key_jwt") != "private_key_jwt":
        return error_reply("invalid_client_metadata", "only private_key_jwt is supported")
    if not meta.get("jwks") and not meta.get("jwks_uri"):
        return error_reply("invalid_client_metadata", "jwks (the client's public keys) is required")
    # SPID/CIE profile: signed userinfo, RS256 everywhere, code flow only.
    meta["token_endpoint_auth_method"] = "private_key_jwt"
    meta.setdefault("userinfo_signed_response_alg", "RS256")
    meta.setdefault("id_token_signed_response_alg", "RS256")
    meta.setdefault("response_types", ["code"])
    meta.setdefault("grant_types", ["authorization_code"])
    rep = serve("registration", req, json.dumps(meta))
    if rep.status in (200, 201):
        rep.status = 201
        answer = json.loads(rep.body)
        uris = meta.get("post_logout_redirect_uris") or []
        if isinstance(uris, str):
            uris = [uris]
        # idpyoidc 5.0.0 knows only the draft's single post_logout_redirect_uri; the final
        # RP-Initiated Logout 1.0 has the list post_logout_redirect_uris.
        cinfo = SERVER.context.cdb[answer["client_id"]]
        cinfo["post_logout_redirect_uri"] = list(uris)
        SERVER.context.cdb[answer["client_id"]] = cinfo
        log.info("registered client %s (%s)", answer["client_id"], meta.get("client_name", ""))
        answer["post_logout_redirect_uris"] = list(uris)
        rep.body = json.dumps(answer).encode()
    return rep


def authorization(req, query):
    q = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if not q.get("code_challenge"):
        # Checked here, before the form: idpyoidc would only refuse once the user logged in.
        return refuse_authorization(q, "invalid_request", "PKCE is required (code_challenge, S256)")
    if q.get("code_challenge_method", "plain") != "S256":
        return refuse_authorization(q, "invalid_request", "code_challenge_method must be S256")
    if "acr_values" in q:
        # acr_values is a voluntary claim: values this OP does not know are left out, and with
        # none left the default (SpidL2) applies.
        known = [v for v in q["acr_values"].split() if v in (SPID_L1, SPID_L2, SPID_L3)]
        if known:
            q["acr_values"] = " ".join(known)
        else:
            del q["acr_values"]
    rep = serve("authorization", req, q)
    if rep.status == 200 and q.get("client_id") in SERVER.context.cdb:
        TEST.nonces.setdefault(q["client_id"], []).append(q.get("nonce"))
    return rep


def refuse_authorization(q, error, description):
    """An error for a request whose client and redirect URI are known goes back to it; otherwise
    it is shown here."""
    cinfo = SERVER.context.cdb.get(q.get("client_id", ""))
    uri = q.get("redirect_uri", "")
    if cinfo and any(uri == u for u, _ in (cinfo.get("redirect_uris") or [])):
        args = {"error": error, "error_description": description, "iss": ISSUER}
        if q.get("state"):
            args["state"] = q["state"]
        return redirect(uri + ("&" if "?" in uri else "?") + urlencode(args))
    return Reply(400, "<!DOCTYPE html><html lang=\"it\"><body><h1>Richiesta non valida</h1><p>%s</p>"
                 "</body></html>" % html.escape(description), "text/html; charset=utf-8")


def login(req, body):
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    endpoint = SERVER.get_endpoint("authorization")
    broker = SERVER.context.authn_broker
    method = broker.get_method_by_id("spid_l2")
    try:
        info = method.unpack_token(form.get("token", ""))
    except Exception as err:
        log.info("login with a bad token: %s", err)
        return Reply(400, "<!DOCTYPE html><html lang=\"it\"><body><h1>Sessione di login non valida"
                     "</h1></body></html>", "text/html; charset=utf-8")
    username = form.get("username", "")
    if not method.verify(username=username, password=form.get("password", "")):
        page = render_login(form.get("token", ""), info, "Nome utente o password errati.", username)
        return Reply(200, page, "text/html; charset=utf-8", [("Cache-Control", "no-store")])
    authz_request = AuthorizationRequest().from_urlencoded(info["query"])
    session_id = endpoint.create_session(authz_request, username, info["authn_class_ref"],
                                         int(time.time()), method)
    args = endpoint.authz_part2(request=authz_request, session_id=session_id)
    if is_error(args):
        return idpy_error(args)
    return from_idpy(endpoint, authz_request, args)


def b64url_json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def token(req, body):
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" \
            or not form.get("client_assertion"):
        return error_reply("invalid_client", "private_key_jwt client authentication is required", 401)
    # idpyoidc verifies the signature, aud and a jti seen before; the profile also wants these.
    try:
        claims = b64url_json(form["client_assertion"].split(".")[1])
    except Exception:
        return error_reply("invalid_client", "client_assertion is not a JWT", 401)
    for claim in ("iss", "sub", "aud", "exp", "iat", "jti"):
        if claim not in claims:
            return error_reply("invalid_client", "client_assertion lacks %s" % claim, 401)
    if claims["iss"] != claims["sub"] or claims["iss"] not in SERVER.context.cdb:
        return error_reply("invalid_client", "client_assertion iss and sub must be the client_id", 401)
    if form.get("client_id") and form["client_id"] != claims["iss"]:
        return error_reply("invalid_client", "client_id differs from the assertion's", 401)
    jws_header = b64url_json(form["client_assertion"].split(".")[0])
    if jws_header.get("alg") != "RS256":
        return error_reply("invalid_client", "client_assertion must be signed RS256", 401)
    client_id = claims["iss"]
    rep = serve("token", req, form)
    if rep.status != 200:
        return rep
    fault = TEST.faults.pop(client_id, None)
    if fault:
        resp = json.loads(rep.body)
        log.info("fault %s on a token response for %s", fault, client_id)
        if fault == "userinfo_wrong_signature":
            TEST.userinfo_faults[resp["access_token"]] = fault
        else:
            resp["id_token"] = faulty_id_token(resp["id_token"], fault, client_id)
        rep.body = json.dumps(resp).encode()
    return rep


def op_signing_key():
    return [k for k in SERVER.context.keyjar.get_signing_key("RSA", issuer_id="")][0]


def impostor_key(kid):
    key = new_rsa_key()
    key.kid = kid
    return key


def faulty_id_token(id_token, fault, client_id):
    jws = jws_factory(id_token)
    payload = json.loads(jws.jwt.part[1])
    key = op_signing_key()
    if fault == "wrong_audience":
        others = [c for c in SERVER.context.cdb if c != client_id]
        payload["aud"] = [others[-1] if others else "client-that-is-not-you"]
    elif fault == "wrong_issuer":
        payload["iss"] = "http://evil.example"
    elif fault == "expired":
        payload["iat"] = payload["iat"] - 3600
        payload["exp"] = payload["iat"] + ID_TOKEN_LIFETIME
        if "auth_time" in payload:
            payload["auth_time"] -= 3600
    elif fault == "wrong_signature":
        key = impostor_key(key.kid)
    elif fault == "replayed_nonce":
        nonces = TEST.nonces.get(client_id, [])
        previous = [n for n in nonces if n and n != payload.get("nonce")]
        payload["nonce"] = previous[-1] if previous else "nonce-of-an-earlier-login"
    return JWS(json.dumps(payload), alg="RS256").sign_compact([key])


def userinfo(req, query, body):
    auth = req.headers.get("Authorization", "")
    args = {}
    if req.command == "POST" and body:
        args = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
    access_token = auth[7:].strip() if auth[:7].lower() == "bearer " else args.get("access_token", "")
    if not access_token:
        return Reply(401, json.dumps({"error": "invalid_token"}), "application/json",
                     [("WWW-Authenticate", 'Bearer error="invalid_token"')])
    rep = serve("userinfo", req, args)
    if rep.status != 200:
        rep.status = 401
        rep.headers.append(("WWW-Authenticate", 'Bearer error="invalid_token"'))
        return rep
    if TEST.userinfo_faults.pop(access_token, None):
        jws = jws_factory(rep.body.decode())
        payload = jws.jwt.part[1].decode()
        rep.body = JWS(payload, alg="RS256").sign_compact([impostor_key(op_signing_key().kid)]).encode()
    return rep


def logout(sid):
    """Ends a client session with idpyoidc's Session endpoint, and revokes the tokens issued in
    it (idpyoidc marks the grants revoked, which its userinfo endpoint does not look at)."""
    mngr = SERVER.context.session_manager
    uid, client_id, _ = mngr.decrypt_session_id(sid)
    SERVER.get_endpoint("session").do_verified_logout(sid=sid)
    try:
        for key in list(mngr.get_client_session_info(sid).subordinate):
            mngr.db[key].revoke_token()
    except Exception as err:
        log.info("revoking the tokens of %s: %s", client_id, err)
    TEST.logouts[client_id] = TEST.logouts.get(client_id, 0) + 1
    return client_id


def end_session(req, query):
    q = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
    endpoint = SERVER.get_endpoint("session")
    http_info = http_info_of(req)
    try:
        parsed = endpoint.parse_request(q, http_info=http_info)
        if is_error(parsed):
            return idpy_error(parsed)
        result = endpoint.process_request(parsed, http_info=http_info)
        info = endpoint.unpack_signed_jwt(parse_qs(urlsplit(result["redirect_location"]).query)["sjwt"][0])
    except Exception as err:
        log.info("idpyoidc end session refused: %s; trying the id_token_hint alone", err)
        return end_session_by_hint(q)
    # The user is not asked to confirm: this is a test OP.
    logout(info["sid"])
    return redirect(info["redirect_uri"], endpoint.kill_cookies())


def end_session_by_hint(q):
    """Logout without the OP's session cookie (the RP's HTTP client may not keep it, or a later
    login replaced it): the id_token_hint, signed by this OP (expired or not), names the client
    and the user; the post_logout_redirect_uri must be registered for that client."""
    endpoint = SERVER.get_endpoint("session")
    hint = q.get("id_token_hint")
    if not hint:
        return error_reply("invalid_request", "id_token_hint is required")
    try:
        jws = jws_factory(hint)
        jws.verify_compact(hint, [op_signing_key()])
        claims = json.loads(jws.jwt.part[1])
    except Exception as err:
        return error_reply("invalid_request", "id_token_hint does not verify: %s" % err)
    if claims.get("iss") != ISSUER:
        return error_reply("invalid_request", "id_token_hint is not from this issuer")
    aud = claims.get("aud")
    client_id = aud[0] if isinstance(aud, list) else aud
    cinfo = SERVER.context.cdb.get(client_id)
    if not cinfo:
        return error_reply("invalid_request", "unknown client")
    uri = q.get("post_logout_redirect_uri")
    if uri:
        registered = list(cinfo.get("post_logout_redirect_uri") or [])
        registered = [u[0] if isinstance(u, (list, tuple)) else u for u in registered]
        if uri not in registered:
            return error_reply("invalid_request", "post_logout_redirect_uri is not registered")
        if q.get("state"):
            uri += ("&" if "?" in uri else "?") + urlencode({"state": q["state"]})
    else:
        uri = ISSUER + "/_logged_out"
    mngr = SERVER.context.session_manager
    sids = []
    if claims.get("sid"):  # idpyoidc puts the session (branch) id in its ID tokens
        try:
            if mngr.get_session_info(claims["sid"])["client_id"] == client_id:
                sids.append(claims["sid"])
        except Exception:
            pass  # already ended
    else:  # every grant of that subject at that client
        for uid in USERS:
            try:
                keys = list(mngr.get([uid, client_id]).subordinate)  # the grants' branch keys
            except Exception:
                continue
            for key in keys:
                try:
                    grant = mngr.db[key]
                    if grant.sub == claims.get("sub") and not grant.revoked:
                        sids.append(mngr.encrypted_session_id(*mngr.unpack_branch_key(key)))
                except Exception:
                    continue
    for sid in sids:
        logout(sid)
    if not sids:  # nothing left to end (a second logout): still a logout the RP asked for
        TEST.logouts[client_id] = TEST.logouts.get(client_id, 0) + 1
    return redirect(uri, endpoint.kill_cookies())


def logged_out(req, query):
    return Reply(200, "<!DOCTYPE html><html lang=\"it\"><body><h1>Identity provider di test "
                 "(SPID/CIE)</h1><p>Sei uscito.</p></body></html>", "text/html; charset=utf-8")


def test_fault(req, body):
    try:
        spec = json.loads(body or b"{}")
    except ValueError:
        return error_reply("invalid_request", "the body is not JSON")
    client_id, fault = spec.get("client_id"), spec.get("fault")
    if client_id not in SERVER.context.cdb:
        return error_reply("invalid_request", "unknown client_id", 404)
    if fault not in FAULTS:
        return error_reply("invalid_request", "fault must be one of %s" % ", ".join(FAULTS))
    TEST.faults[client_id] = fault
    return json_reply({"client_id": client_id, "fault": fault})


def test_logouts(req, query):
    client_id = (parse_qs(query).get("client_id") or [""])[0]
    return json_reply({"client_id": client_id, "count": TEST.logouts.get(client_id, 0)})


def test_health(req, query):
    return json_reply({"status": "ok", "issuer": ISSUER, "pid": os.getpid()})


def favicon(req, query):
    # Browsers ask for it on the login page: no icon, and no 404 in their console.
    return Reply(204, b"", "image/x-icon")


GET = {
    "/favicon.ico": favicon,
    "/.well-known/openid-configuration": provider_configuration,
    JWKS_PATH: jwks,
    "/authorization": authorization,
    "/end_session": end_session,
    "/_logged_out": logged_out,
    "/_test/logouts": test_logouts,
    "/_test/health": test_health,
}
POST = {
    "/registration": registration,
    "/login": login,
    "/token": token,
    "/_test/fault": test_fault,
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sportello-test-op"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (time.strftime("%Y-%m-%dT%H:%M:%S"), fmt % args))

    def _cookies(self):
        jar = http.cookies.SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except http.cookies.CookieError:
            pass
        return jar

    def _run(self):
        parts = urlsplit(self.path)
        path, query = parts.path, parts.query
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.cookies = self._cookies()
        try:
            with LOCK:
                if path == "/userinfo" and self.command in ("GET", "POST"):
                    rep = userinfo(self, query, body)
                elif self.command == "GET" and path in GET:
                    rep = GET[path](self, query)
                elif self.command == "POST" and path in POST:
                    rep = POST[path](self, body)
                elif path in GET or path in POST:
                    rep = error_reply("invalid_request", "method not allowed", 405)
                else:
                    rep = error_reply("not_found", path, 404)
        except Exception as err:
            log.error("%s", "".join(traceback.format_exception(err)))
            rep = error_reply("server_error", str(err), 500)
        self.send_response(rep.status)
        self.send_header("Content-Type", rep.ctype)
        self.send_header("Content-Length", str(len(rep.body)))
        for k, v in rep.headers:
            self.send_header(k, v)
        for c in rep.cookies:
            self.send_header("Set-Cookie", set_cookie_value(c))
        self.end_headers()
        self.wfile.write(rep.body)

    do_GET = _run
    do_POST = _run


def set_cookie_value(spec):
    value = "%s=%s; Path=/; HttpOnly; SameSite=Lax" % (spec["name"], spec.get("value", ""))
    if spec.get("expires"):
        value += "; Expires=%s" % spec["expires"].rstrip(";")
    return value


def main():
    global SERVER, ISSUER
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--issuer", default="")
    ap.add_argument("--state-dir", default="",
                    help="keeps the OP's keys (a fresh temporary directory if not given)")
    a = ap.parse_args()
    ISSUER = (a.issuer or "http://127.0.0.1:%d" % a.port).rstrip("/")
    state_dir = a.state_dir or tempfile.mkdtemp(prefix="oidc-op-")
    os.makedirs(state_dir, exist_ok=True)
    logging.basicConfig(stream=sys.stderr, level=os.environ.get("OIDC_OP_LOG", "INFO"),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    for noisy in ("idpyoidc", "cryptojwt"):
        logging.getLogger(noisy).setLevel(os.environ.get("OIDC_OP_LIB_LOG", "WARNING"))
    import warnings
    warnings.simplefilter("ignore")
    conf = op_config(ISSUER, state_dir)
    SERVER = Server(OPConfiguration(conf=conf, base_path=state_dir), cwd=state_dir)
    # A client assertion's aud may be the token endpoint's URL or the issuer ("" = the issuer).
    SERVER.get_endpoint("token").allowed_targets.append("")
    # The end session request has no client authentication (the id_token_hint names the
    # client); idpyoidc 5.0.0's Session.parse_request fails on the "none" method's answer
    # (KeyError 'token'), so it is told there is none.
    SERVER.get_endpoint("session").client_authentication = lambda *args, **kwargs: {}
    httpd = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    httpd.daemon_threads = True
    log.info("test OpenID provider (idpyoidc) at %s, state in %s", ISSUER, state_dir)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
