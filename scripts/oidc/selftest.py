#!/usr/bin/env python3
"""Self-test of the test OpenID provider (op.py), as a relying party would use it.

    python selftest.py ISSUER

Runs with the libraries of target/venv-oidc (requests, cryptojwt). Exits non-zero on the first
failure, printing one line per check.
"""
import base64
import hashlib
import html.parser
import json
import secrets
import sys
import time
import uuid
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import requests
from cryptojwt.jwk.jwk import key_from_jwk_dict
from cryptojwt.jwk.rsa import new_rsa_key
from cryptojwt.jws.jws import JWS
from cryptojwt.jws.jws import factory as jws_factory

FISCAL_NUMBER = "https://attributes.eid.gov.it/fiscal_number"
SPID_L2 = "https://www.spid.gov.it/SpidL2"
SPID_L3 = "https://www.spid.gov.it/SpidL3"
RESULTS = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    if ok:
        RESULTS["passed"] += 1
        print("ok   %s" % name)
    else:
        RESULTS["failed"] += 1
        print("FAIL %s %s" % (name, detail))
        print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))
        sys.exit(1)


class Form(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.inputs, self.labels, self.buttons, self.h1 = "", {}, [], [], ""
        self._in = None
        self.lang = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "form":
            self.action = a.get("action", "")
        elif tag == "input":
            self.inputs[a.get("name")] = a
        elif tag in ("label", "button", "h1"):
            self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "label":
            self.labels.append(data.strip())
        elif self._in == "button":
            self.buttons.append(data.strip())
        elif self._in == "h1":
            self.h1 += data


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def payload_of(jwt):
    return json.loads(jws_factory(jwt).jwt.part[1])


class Client:
    def __init__(self, issuer, port):
        self.issuer = issuer
        self.conf = requests.get(issuer + "/.well-known/openid-configuration").json()
        self.key = new_rsa_key()
        self.key.kid = "rp-" + uuid.uuid4().hex[:8]
        self.redirect_uri = "http://127.0.0.1:%d/auth/oidc/callback" % port
        self.post_logout = "http://127.0.0.1:%d/" % port
        r = requests.post(self.conf["registration_endpoint"], json={
            "redirect_uris": [self.redirect_uri],
            "post_logout_redirect_uris": [self.post_logout],
            "jwks": {"keys": [self.key.serialize(private=False)]},
            "token_endpoint_auth_method": "private_key_jwt",
            "client_name": "Sportello (selftest %d)" % port,
        })
        check("registration answers 201", r.status_code == 201, r.text)
        self.meta = r.json()
        self.client_id = self.meta["client_id"]
        check("registration gives a client_id", bool(self.client_id))
        self.op_keys = [key_from_jwk_dict(k) for k in requests.get(self.conf["jwks_uri"]).json()["keys"]]

    def assertion(self, aud=None, **override):
        now = int(time.time())
        claims = {"iss": self.client_id, "sub": self.client_id,
                  "aud": aud or self.conf["token_endpoint"], "iat": now, "exp": now + 60,
                  "jti": uuid.uuid4().hex}
        claims.update(override)
        return JWS(json.dumps(claims), alg="RS256").sign_compact([self.key])

    def authorize(self, user="mario.rossi", password="test", acr=None, extra=None):
        """Returns (session, the redirect's query, the request's nonce, the code_verifier)."""
        s = requests.Session()
        verifier = b64url(secrets.token_bytes(32))
        nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        args = {
            "response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri,
            "scope": "openid", "state": state, "nonce": nonce,
            "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256", "prompt": "login",
            "claims": json.dumps({"userinfo": {FISCAL_NUMBER: {"essential": True},
                                               "given_name": None, "family_name": None,
                                               "email": None, "phone_number": None}}),
        }
        if acr:
            args["acr_values"] = acr
        args.update(extra or {})
        r = s.get(self.conf["authorization_endpoint"] + "?" + urlencode(args), allow_redirects=False)
        form = Form()
        form.feed(r.text)
        if r.status_code != 200 or "token" not in form.inputs:
            return s, r, nonce, verifier, state
        data = {k: v.get("value", "") for k, v in form.inputs.items() if k}
        data.update(username=user, password=password)
        r = s.post(urlsplit(self.issuer).scheme + "://" + urlsplit(self.issuer).netloc + form.action,
                   data=data, allow_redirects=False)
        return s, r, nonce, verifier, state

    def login(self, **kw):
        s, r, nonce, verifier, state = self.authorize(**kw)
        loc = r.headers.get("Location", "")
        q = {k: v[0] for k, v in parse_qs(urlsplit(loc).query).items()}
        check("login redirects to the redirect_uri", r.status_code == 302 and loc.startswith(self.redirect_uri), "%s %s" % (r.status_code, loc or r.text[:300]))
        check("the redirect carries code, state and iss", q.get("code") and q.get("state") == state and q.get("iss") == self.issuer, str(q))
        return s, q["code"], nonce, verifier

    def token(self, code, verifier, assertion=True, **over):
        data = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": self.redirect_uri, "code_verifier": verifier}
        if assertion:
            data["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            data["client_assertion"] = assertion if isinstance(assertion, str) else self.assertion()
        data.update(over)
        return requests.post(self.conf["token_endpoint"], data=data)

    def verify(self, jwt, keys=None):
        jws = jws_factory(jwt)
        try:
            jws.verify_compact(jwt, keys or self.op_keys)
            return True
        except Exception:
            return False

    def userinfo(self, access_token):
        return requests.get(self.conf["userinfo_endpoint"],
                            headers={"Authorization": "Bearer " + access_token})

    def fault(self, name):
        r = requests.post(self.issuer + "/_test/fault", json={"client_id": self.client_id, "fault": name})
        check("fault %s armed" % name, r.status_code == 200, r.text)


def main():
    issuer = sys.argv[1].rstrip("/")
    check("health", requests.get(issuer + "/_test/health").status_code == 200)
    conf = requests.get(issuer + "/.well-known/openid-configuration").json()
    for k, v in {
        "issuer": issuer,
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["RS256"],
        "acr_values_supported": ["https://www.spid.gov.it/SpidL1", SPID_L2, SPID_L3],
        "claims_parameter_supported": True,
    }.items():
        check("discovery %s" % k, conf.get(k) == v, str(conf.get(k)))
    for k in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri",
              "registration_endpoint", "end_session_endpoint"):
        check("discovery %s" % k, conf.get(k, "").startswith(issuer + "/"), str(conf.get(k)))
    jwks = requests.get(conf["jwks_uri"]).json()
    check("jwks has an RSA key with a kid", any(k["kty"] == "RSA" and k.get("kid") for k in jwks["keys"]))

    rp = Client(issuer, 40001)

    # The form.
    s = requests.Session()
    r = s.get(conf["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": rp.client_id, "redirect_uri": rp.redirect_uri,
        "scope": "openid", "state": "s", "nonce": "n",
        "code_challenge": b64url(hashlib.sha256(b"x" * 43).digest()), "code_challenge_method": "S256"}))
    form = Form()
    form.feed(r.text)
    check("login page in Italian", form.lang == "it" and "Identity provider di test (SPID/CIE)" in form.h1, form.h1)
    check("login page says it is for testing", "Solo per i test" in r.text)
    check("form labels", form.labels == ["Nome utente", "Password"], str(form.labels))
    check("form button", form.buttons == ["Entra"], str(form.buttons))
    check("form fields", "username" in form.inputs and form.inputs.get("password", {}).get("type") == "password")

    # Refusals before the form.
    r = requests.get(conf["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": rp.client_id, "redirect_uri": rp.redirect_uri,
        "scope": "openid", "state": "s", "nonce": "n"}), allow_redirects=False)
    check("authorization without PKCE refused", "error=invalid_request" in r.headers.get("Location", ""), r.headers.get("Location", r.text[:200]))
    r = requests.get(conf["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": rp.client_id, "redirect_uri": "http://127.0.0.1:1/evil",
        "scope": "openid", "state": "s", "nonce": "n",
        "code_challenge": "abc", "code_challenge_method": "S256"}), allow_redirects=False)
    check("unregistered redirect_uri refused without redirect", r.status_code == 400 and "Location" not in r.headers, "%s %s" % (r.status_code, r.headers.get("Location")))

    # Wrong password.
    _, r, _, _, _ = rp.authorize(password="sbagliata")
    check("wrong password shows the form again with an error", r.status_code == 200 and "errati" in r.text and 'name="username"' in r.text, str(r.status_code))

    # The happy path.
    sess, code, nonce, verifier = rp.login()
    r = rp.token(code, verifier)
    check("token answers 200", r.status_code == 200, r.text)
    tok = r.json()
    check("token_type Bearer", tok.get("token_type", "").lower() == "bearer" and tok.get("expires_in"), str(tok))
    idt = tok["id_token"]
    check("id_token verifies against jwks_uri", rp.verify(idt))
    hdr = jws_factory(idt).jwt.headers
    check("id_token RS256 with kid", hdr.get("alg") == "RS256" and hdr.get("kid") in [k["kid"] for k in jwks["keys"]], str(hdr))
    c = payload_of(idt)
    now = time.time()
    aud = c["aud"] if isinstance(c["aud"], list) else [c["aud"]]
    check("id_token iss", c["iss"] == issuer, c["iss"])
    check("id_token aud", aud == [rp.client_id], str(c["aud"]))
    check("id_token nonce", c.get("nonce") == nonce)
    check("id_token exp about 5 min", 200 < c["exp"] - now <= 310 and abs(c["iat"] - now) < 30, "%s %s" % (c["exp"] - now, c["iat"] - now))
    check("id_token acr default SpidL2", c.get("acr") == SPID_L2, str(c.get("acr")))
    at_hash = b64url(hashlib.sha256(tok["access_token"].encode()).digest()[:16])
    check("id_token at_hash", c.get("at_hash") == at_hash, str(c.get("at_hash")))
    check("id_token sub", bool(c.get("sub")))
    sub = c["sub"]
    r = rp.userinfo(tok["access_token"])
    check("userinfo 200 application/jwt", r.status_code == 200 and r.headers["Content-Type"].startswith("application/jwt"), "%s %s %s" % (r.status_code, r.headers.get("Content-Type"), r.text[:200]))
    check("userinfo JWT verifies", rp.verify(r.text))
    u = payload_of(r.text)
    check("userinfo claims", u.get("iss") == issuer and u.get("aud") in (rp.client_id, [rp.client_id]) and u.get("sub") == sub, str(u))
    check("userinfo attributes", u.get(FISCAL_NUMBER) == "TINIT-RSSMRA80A01H501U" and u.get("given_name") == "Mario" and u.get("family_name") == "Rossi" and u.get("email") == "mario.rossi@example.it" and u.get("phone_number") == "+393331234567", str(u))
    r = requests.post(conf["userinfo_endpoint"], headers={"Authorization": "Bearer " + tok["access_token"]})
    check("userinfo by POST", r.status_code == 200 and payload_of(r.text).get("sub") == sub, str(r.status_code))
    r = rp.userinfo("not-a-token")
    check("userinfo with a bad token refused", r.status_code == 401, str(r.status_code))

    # The same browser (the OP's cookie kept) asks for the form again: no single sign-on.
    r = sess.get(conf["authorization_endpoint"] + "?" + urlencode({
        "response_type": "code", "client_id": rp.client_id, "redirect_uri": rp.redirect_uri,
        "scope": "openid", "state": "s2", "nonce": "n2",
        "code_challenge": b64url(hashlib.sha256(b"y" * 43).digest()), "code_challenge_method": "S256"}),
        allow_redirects=False)
    check("second authorization in the same browser shows the form", r.status_code == 200 and 'name="password"' in r.text and sess.cookies.get("oidc_op"), "%s %s" % (r.status_code, dict(sess.cookies)))

    # Refusals at the token endpoint.
    r = rp.token(code, verifier)
    check("reused code refused", r.status_code in (400, 401), "%s %s" % (r.status_code, r.text))
    _, code2, _, verifier2 = rp.login()
    r = rp.token(code2, b64url(secrets.token_bytes(32)))
    check("wrong code_verifier refused", r.status_code in (400, 401), "%s %s" % (r.status_code, r.text))
    _, code3, _, verifier3 = rp.login()
    r = rp.token(code3, verifier3, assertion=False, client_id=rp.client_id)
    check("missing client_assertion refused", r.status_code in (400, 401), "%s %s" % (r.status_code, r.text))
    reused = rp.assertion()
    r = rp.token(code3, verifier3, assertion=reused)
    check("first use of an assertion works", r.status_code == 200, r.text)
    _, code4, _, verifier4 = rp.login()
    r = rp.token(code4, verifier4, assertion=reused)
    check("reused client_assertion jti refused", r.status_code in (400, 401), "%s %s" % (r.status_code, r.text))
    r = rp.token(code4, verifier4, assertion=rp.assertion(aud="http://127.0.0.1:1/other"))
    check("client_assertion with a wrong aud refused", r.status_code in (400, 401), "%s %s" % (r.status_code, r.text))
    other = new_rsa_key()
    other.kid = rp.key.kid
    forged = JWS(json.dumps(payload_of(rp.assertion())), alg="RS256").sign_compact([other])
    r = rp.token(code4, verifier4, assertion=forged)
    check("client_assertion signed by another key refused", r.status_code in (400, 401), "%s %s" % (r.status_code, r.text))
    r = rp.token(code4, verifier4, assertion=rp.assertion(aud=issuer))
    check("client_assertion with aud = issuer accepted", r.status_code == 200, r.text)

    # acr_values and the second user.
    _, code5, nonce5, verifier5 = rp.login(user="giulia.verdi", acr=SPID_L3)
    tok5 = rp.token(code5, verifier5).json()
    c5 = payload_of(tok5["id_token"])
    check("acr_values SpidL3 gives acr SpidL3", c5.get("acr") == SPID_L3, str(c5.get("acr")))
    check("another user, another sub", c5["sub"] != sub)
    u5 = payload_of(rp.userinfo(tok5["access_token"]).text)
    check("giulia.verdi has no phone_number", "phone_number" not in u5 and u5.get(FISCAL_NUMBER) == "TINIT-VRDGLI85M41F205R", str(u5))
    _, code6, _, verifier6 = rp.login()
    check("same user, same sub", payload_of(rp.token(code6, verifier6).json()["id_token"])["sub"] == sub)

    # Faults, each once.
    def faulty(name):
        rp.fault(name)
        _, code, nonce, verifier = rp.login()
        r = rp.token(code, verifier)
        check("token with fault %s still answers 200" % name, r.status_code == 200, r.text)
        return r.json(), nonce

    t, n = faulty("wrong_audience")
    c = payload_of(t["id_token"])
    check("wrong_audience: aud is another", rp.client_id not in (c["aud"] if isinstance(c["aud"], list) else [c["aud"]]) and rp.verify(t["id_token"]) and c["nonce"] == n, str(c))
    t, n = faulty("wrong_issuer")
    c = payload_of(t["id_token"])
    check("wrong_issuer: iss is evil", c["iss"] == "http://evil.example" and rp.verify(t["id_token"]), str(c))
    t, n = faulty("expired")
    c = payload_of(t["id_token"])
    check("expired: exp in the past", c["exp"] < time.time() - 3000 and rp.verify(t["id_token"]) and c["nonce"] == n, str(c))
    t, n = faulty("wrong_signature")
    hdr = jws_factory(t["id_token"]).jwt.headers
    check("wrong_signature: same kid, signature does not verify", not rp.verify(t["id_token"]) and hdr.get("kid") in [k["kid"] for k in jwks["keys"]], str(hdr))
    previous = n
    t, n = faulty("replayed_nonce")
    c = payload_of(t["id_token"])
    check("replayed_nonce: nonce of the previous login", c["nonce"] == previous and c["nonce"] != n and rp.verify(t["id_token"]), "%s %s %s" % (c["nonce"], previous, n))
    t, n = faulty("userinfo_wrong_signature")
    check("userinfo_wrong_signature: id_token fine", rp.verify(t["id_token"]) and payload_of(t["id_token"])["nonce"] == n)
    r = rp.userinfo(t["access_token"])
    check("userinfo_wrong_signature: userinfo does not verify", r.status_code == 200 and not rp.verify(r.text) and payload_of(r.text).get(FISCAL_NUMBER), r.text[:100])
    _, code, n, verifier = rp.login()
    t = rp.token(code, verifier).json()
    check("faults fire once", rp.verify(t["id_token"]) and payload_of(t["id_token"])["aud"] in (rp.client_id, [rp.client_id]) and rp.verify(rp.userinfo(t["access_token"]).text))
    r = requests.post(issuer + "/_test/fault", json={"client_id": rp.client_id, "fault": "nonsense"})
    check("unknown fault refused", r.status_code == 400)

    # Logout.
    rp2 = Client(issuer, 40002)
    check("two registrations, two clients", rp2.client_id != rp.client_id)
    logouts = lambda cl: requests.get(issuer + "/_test/logouts", params={"client_id": cl.client_id}).json()["count"]
    check("no logout yet", logouts(rp2) == 0)
    sess, code, _, verifier = rp2.login()
    t = rp2.token(code, verifier).json()
    r = sess.get(conf["end_session_endpoint"], params={"id_token_hint": t["id_token"],
                 "post_logout_redirect_uri": "http://127.0.0.1:9/not-registered", "state": "bye"},
                 allow_redirects=False)
    check("logout to an unregistered URI refused", r.status_code == 400 and logouts(rp2) == 0, "%s %s" % (r.status_code, r.headers.get("Location")))
    r = sess.get(conf["end_session_endpoint"], params={"id_token_hint": t["id_token"],
                 "post_logout_redirect_uri": rp2.post_logout, "state": "bye"}, allow_redirects=False)
    loc = r.headers.get("Location", "")
    check("logout redirects to post_logout_redirect_uri with state", r.status_code == 302 and loc.startswith(rp2.post_logout) and parse_qs(urlsplit(loc).query).get("state") == ["bye"], "%s %s %s" % (r.status_code, loc, r.text[:300]))
    check("logout recorded", logouts(rp2) == 1, str(logouts(rp2)))
    check("access token revoked by logout", rp2.userinfo(t["access_token"]).status_code == 401)
    # Without the OP's cookie (an HTTP client that keeps none).
    _, code, _, verifier = rp2.login()
    t = rp2.token(code, verifier).json()
    r = requests.get(conf["end_session_endpoint"], params={"id_token_hint": t["id_token"],
                     "post_logout_redirect_uri": rp2.post_logout, "state": "bye2"}, allow_redirects=False)
    loc = r.headers.get("Location", "")
    check("logout without the OP cookie", r.status_code == 302 and loc.startswith(rp2.post_logout) and "state=bye2" in loc and logouts(rp2) == 2, "%s %s %s" % (r.status_code, loc, r.text[:300]))
    check("access token revoked by cookie-less logout", rp2.userinfo(t["access_token"]).status_code == 401)
    check("the other client's logouts untouched", logouts(rp) == 0)
    # After logout, a new authorization shows the form again.
    _, r, _, _, _ = rp2.authorize(extra={"prompt": "none"})
    check("prompt=none without a login session: login_required", "error=login_required" in r.headers.get("Location", ""), r.headers.get("Location", r.text[:200]))

    print("%d passed, %d failed" % (RESULTS["passed"], RESULTS["failed"]))


if __name__ == "__main__":
    main()
