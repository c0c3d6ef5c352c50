#!/usr/bin/env python3
"""A local pagoPA for the tests: GPD (debt positions, `pagopa-debt-position` v1) and
Checkout (`POST /carts`), speaking their JSON and enforcing their rules, in memory.

  python3 pagopa.py PORT [SUBSCRIPTION_KEY]

GPD under /gpd/organizations/{cf}/debtpositions (create with ?toPublish=true, get, update,
invalidate), Checkout under /checkout/carts. Required fields, integer cents >= 1, transfers
summing to their option, idTransfer 1-5, text <= 140, 409 on a duplicate iupd; the
subscription key in Ocp-Apim-Subscription-Key. A simulated payment (/_test/pay, or paying a
cart at /checkout/pay/{id}) turns the option PO_PAID with a receipt id, a PSP and a date,
and the position PARTIALLY_PAID or PAID. /_test/positions and /_test/calls show what the
client did (with its X-Request-Id). /_test/hold {org, seconds} makes that creditor's creates
store the position and answer only after the given time (a crash between the call and the
client's commit).

In a browser, /checkout/pay/{id} without ?outcome= is a payment page like Checkout's,
clearly labelled as the local test platform: "Paga" (outcome ok), "Annulla" (cancel) and
"Simula un errore" (error) send the payer back to the cart's return URLs.
client did (with its X-Request-Id).

FdR (Flussi di Rendicontazione, "FdR 3" organizations API) under /fdr: GET
/fdr/organizations/{org}/fdrs (paged list of published flows), .../fdrs/{fdr}/revisions/{rev}/psps/{psp}
(the flow) and its /payments (paged); a test publishes a flow with POST /_test/fdr
{org, fdr, psp, revision?, regulation, regulationDate, fdrDate, payments: [{iuv, iur,
idTransfer, pay (euro, decimal), payStatus, payDate}], sumPayments?, totPayments?}.
"""

import datetime
import html
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

LOCK = threading.RLock()
POSITIONS = {}  # (org, iupd) -> position
CARTS = {}  # id -> cart
CALLS = []  # {method, path, request_id, status}
HOLDS = {}  # org -> seconds a create's answer waits after the position is stored
FDRS = {}  # org -> [published flow]
KEY = sys.argv[2] if len(sys.argv) > 2 else None
TAXONOMY = re.compile(r"^9/\d{2}\d{2}\d{3}(IM|TS|SP|SA|AP)/$")


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def errors_of(p):
    """The GPD rules, as a list of messages (empty: valid)."""
    errs = []
    for f in ("iupd", "type", "fiscalCode", "fullName", "companyName"):
        if not isinstance(p.get(f), str) or not p.get(f):
            errs.append(f"{f} is required")
    if p.get("type") not in ("F", "G"):
        errs.append("type must be F or G")
    if not isinstance(p.get("switchToExpired"), bool):
        errs.append("switchToExpired is required")
    for f in ("fullName", "companyName"):
        if isinstance(p.get(f), str) and len(p[f]) > 140:
            errs.append(f"{f} longer than 140")
    options = p.get("paymentOption")
    if not isinstance(options, list) or not options:
        errs.append("paymentOption is required")
        return errs
    for i, o in enumerate(options):
        amount = o.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            errs.append(f"paymentOption[{i}].amount must be integer cents >= 1")
        if not re.fullmatch(r"\d{17}", str(o.get("iuv", ""))):
            errs.append(f"paymentOption[{i}].iuv must have 17 digits")
        if not isinstance(o.get("dueDate"), str):
            errs.append(f"paymentOption[{i}].dueDate is required")
        if not isinstance(o.get("isPartialPayment"), bool):
            errs.append(f"paymentOption[{i}].isPartialPayment is required")
        if len(str(o.get("description", ""))) > 140:
            errs.append(f"paymentOption[{i}].description longer than 140")
        transfers = o.get("transfer")
        if not isinstance(transfers, list) or not 1 <= len(transfers) <= 5:
            errs.append(f"paymentOption[{i}].transfer: 1 to 5 transfers")
            continue
        total = 0
        for j, t in enumerate(transfers):
            where = f"paymentOption[{i}].transfer[{j}]"
            ta = t.get("amount")
            if not isinstance(ta, int) or isinstance(ta, bool) or ta < 1:
                errs.append(f"{where}.amount must be integer cents >= 1")
            else:
                total += ta
            if t.get("idTransfer") not in ("1", "2", "3", "4", "5"):
                errs.append(f"{where}.idTransfer must be 1-5")
            if not re.fullmatch(r"\d{11}", str(t.get("organizationFiscalCode", ""))):
                errs.append(f"{where}.organizationFiscalCode must have 11 digits")
            if not t.get("iban") and not t.get("stamp"):
                errs.append(f"{where}: iban or stamp is required")
            if not TAXONOMY.match(str(t.get("category", ""))):
                errs.append(f"{where}.category is not a taxonomy code")
            info = t.get("remittanceInformation")
            if not isinstance(info, str) or not info or len(info) > 140:
                errs.append(f"{where}.remittanceInformation: 1 to 140 characters")
        if isinstance(amount, int) and total != amount:
            errs.append(f"paymentOption[{i}]: transfers sum to {total}, not {amount}")
    return errs


def stored(p, status):
    p = json.loads(json.dumps(p))
    p["status"] = status
    p["publishDate"] = now() if status == "VALID" else None
    for o in p["paymentOption"]:
        o["nav"] = "3" + o["iuv"]
        o["status"] = "PO_UNPAID"
        o["paymentDate"] = None
        o["idReceipt"] = None
        o["pspCompany"] = None
    return p


def pay(org, iuv, psp="Banca Fittizia S.p.A."):
    """Marks the option with this IUV paid; returns it, or None."""
    for (o_org, _), p in POSITIONS.items():
        if o_org != org or p["status"] not in ("VALID", "PARTIALLY_PAID"):
            continue
        for o in p["paymentOption"]:
            if o["iuv"] == iuv and o["status"] == "PO_UNPAID":
                o["status"] = "PO_PAID"
                o["paymentDate"] = now()
                o["idReceipt"] = uuid.uuid4().hex
                o["pspCompany"] = psp
                paid = all(x["status"] == "PO_PAID" for x in p["paymentOption"])
                p["status"] = "PAID" if paid else "PARTIALLY_PAID"
                return o
    return None


def euros(cents):
    return f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d} €"


def checkout_page(cart):
    """The payment page of the local Checkout: what the cart asks, and three buttons."""
    rows = "".join(
        f"<li><strong>{html.escape(str(n.get('companyName', '')))}</strong>: "
        f"{html.escape(str(n.get('description', '')))}, codice avviso "
        f"<span>{html.escape(str(n['noticeNumber']))}</span>, {euros(n['amount'])}</li>"
        for n in cart["paymentNotices"]
    )
    total = euros(sum(n["amount"] for n in cart["paymentNotices"]))

    def button(outcome, label):
        return (
            f'<form method="get"><input type="hidden" name="outcome" value="{outcome}">'
            f"<button type=\"submit\">{label}</button></form>"
        )

    return f"""<!doctype html>
<html lang="it"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>pagoPA Checkout (piattaforma di test locale)</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}}
.test{{border:2px solid #a61919;padding:.5rem 1rem;color:#a61919}}
form{{display:inline-block;margin:0 .5rem .5rem 0}}button{{font-size:1rem;padding:.5rem 1rem}}</style>
</head><body><main>
<h1>pagoPA Checkout</h1>
<p class="test"><strong>Piattaforma di test locale</strong>: nessun pagamento reale. Simula Checkout
di pagoPA per le prove e la demo di Sportello.</p>
<ul>{rows}</ul>
<p>Totale: <strong>{total}</strong></p>
{button("ok", "Paga")}{button("cancel", "Annulla")}{button("error", "Simula un errore")}
</main></body></html>
"""
def paged(items, query):
    """FdR's paging: ?page (from 1) and ?size; metadata with totPage."""
    try:
        page = max(1, int(query.get("page", ["1"])[0]))
        size = max(1, min(1000, int(query.get("size", ["50"])[0])))
    except ValueError:
        return None
    total = max(1, -(-len(items) // size))
    return {
        "metadata": {"pageSize": size, "pageNumber": page, "totPage": total},
        "count": len(items),
        "data": items[(page - 1) * size: page * size],
    }


def fdr_route(parts):
    """(org, flow, tail) for /fdr/organizations/{org}/fdrs/{fdr}/revisions/{rev}/psps/{psp}[/payments]."""
    if len(parts) not in (9, 10) or parts[1] != "organizations" or parts[3] != "fdrs" \
            or parts[5] != "revisions" or parts[7] != "psps":
        return None
    for f in FDRS.get(parts[2], []):
        if f["fdr"] == parts[4] and str(f["revision"]) == parts[6] and f["sender"]["pspId"] == parts[8]:
            return f, parts[9:]
    return False


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with LOCK:
            CALLS.append({
                "method": self.command, "path": urlparse(self.path).path,
                "request_id": self.headers.get("X-Request-Id"), "status": status,
            })

    def send_page(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        with LOCK:
            CALLS.append({
                "method": self.command, "path": urlparse(self.path).path,
                "request_id": self.headers.get("X-Request-Id"), "status": status,
            })

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"null")
        except ValueError:
            return None

    def problem(self, status, detail):
        self.send(status, {"title": "error", "status": status, "detail": detail})

    def authorised(self):
        if KEY and self.headers.get("Ocp-Apim-Subscription-Key") != KEY:
            self.problem(401, "missing or wrong subscription key")
            return False
        return True

    def route(self):
        url = urlparse(self.path)
        return url, [p for p in url.path.split("/") if p], parse_qs(url.query)

    def do_GET(self):
        url, parts, query = self.route()
        with LOCK:
            if parts[:1] == ["gpd"] and len(parts) == 5 and parts[1] == "organizations" and parts[3] == "debtpositions":
                if not self.authorised():
                    return
                p = POSITIONS.get((parts[2], parts[4]))
                return self.send(200, p) if p else self.problem(404, "no such position")
            if parts[:2] == ["checkout", "pay"] and len(parts) == 3:
                cart = CARTS.get(parts[2])
                if not cart:
                    return self.problem(404, "no such cart")
                if "outcome" not in query:
                    return self.send_page(200, checkout_page(cart))
                outcome = query.get("outcome", ["ok"])[0]
                urls = cart["returnUrls"]
                if outcome == "ok":
                    for n in cart["paymentNotices"]:
                        pay(n["fiscalCode"], n["noticeNumber"][1:], "Checkout PSP")
                    target = urls["returnOkUrl"]
                elif outcome == "cancel":
                    target = urls["returnCancelUrl"]
                else:
                    target = urls["returnErrorUrl"]
                return self.send(302, None, {"Location": target})
            if parts[:1] == ["fdr"]:
                if not self.authorised():
                    return
                if len(parts) == 4 and parts[1] == "organizations" and parts[3] == "fdrs":
                    listed = [{"fdr": f["fdr"], "pspId": f["sender"]["pspId"], "revision": f["revision"],
                               "published": f["published"]} for f in FDRS.get(parts[2], [])]
                    page = paged(listed, query)
                    return self.send(200, page) if page else self.problem(400, "bad paging")
                found = fdr_route(parts)
                if found is None:
                    return self.problem(404, "unknown path")
                if found is False:
                    return self.problem(404, "no such flow")
                f, tail = found
                if tail == ["payments"]:
                    page = paged(f["payments"], query)
                    return self.send(200, page) if page else self.problem(400, "bad paging")
                return self.send(200, {k: v for k, v in f.items() if k != "payments"})
            if parts == ["_test", "positions"]:
                org = query.get("org", [""])[0]
                return self.send(200, [p for (o, _), p in POSITIONS.items() if o == org])
            if parts == ["_test", "calls"]:
                return self.send(200, CALLS)
            if parts == ["_test", "carts"]:
                return self.send(200, CARTS)
        self.problem(404, "unknown path")

    def do_POST(self):
        url, parts, query = self.route()
        body = self.body()
        with LOCK:
            if parts[:1] == ["gpd"] and len(parts) == 4 and parts[1] == "organizations" and parts[3] == "debtpositions":
                if not self.authorised():
                    return
                if not isinstance(body, dict):
                    return self.problem(400, "a JSON object is required")
                errs = errors_of(body)
                if errs:
                    return self.problem(400, "; ".join(errs))
                key = (parts[2], body["iupd"])
                if key in POSITIONS:
                    return self.problem(409, "a debt position with this iupd already exists")
                publish = query.get("toPublish", ["false"])[0] == "true"
                POSITIONS[key] = stored(body, "VALID" if publish and not body.get("validityDate") else "DRAFT")
                hold = HOLDS.get(parts[2], 0)
                if hold:
                    # Stored, answer late: a client that dies meanwhile never hears of it.
                    LOCK.release()
                    try:
                        time.sleep(hold)
                    finally:
                        LOCK.acquire()
                return self.send(201, POSITIONS[key])
            if parts[:1] == ["gpd"] and len(parts) == 6 and parts[5] == "invalidate":
                if not self.authorised():
                    return
                p = POSITIONS.get((parts[2], parts[4]))
                if not p:
                    return self.problem(404, "no such position")
                if p["status"] not in ("VALID", "DRAFT", "PUBLISHED"):
                    return self.problem(409, f"a {p['status']} position cannot be invalidated")
                p["status"] = "INVALID"
                return self.send(200, p)
            if parts == ["checkout", "carts"]:
                notices = (body or {}).get("paymentNotices")
                urls = (body or {}).get("returnUrls") or {}
                if not isinstance(notices, list) or not 1 <= len(notices) <= 5 or not all(
                    k in urls for k in ("returnOkUrl", "returnCancelUrl", "returnErrorUrl")
                ):
                    return self.problem(422, "paymentNotices (1-5) and returnUrls are required")
                for n in notices:
                    if not re.fullmatch(r"[0123]\d{17}", str(n.get("noticeNumber", ""))) or not re.fullmatch(
                        r"\d{11}", str(n.get("fiscalCode", ""))
                    ) or not isinstance(n.get("amount"), int) or n["amount"] < 1:
                        return self.problem(422, "noticeNumber, fiscalCode and amount are required")
                cart = uuid.uuid4().hex
                CARTS[cart] = body
                host = self.headers.get("Host")
                return self.send(302, None, {"Location": f"http://{host}/checkout/pay/{cart}"})
            if parts == ["_test", "hold"]:
                HOLDS[body["org"]] = float(body.get("seconds", 0))
                return self.send(200, {"org": body["org"], "seconds": HOLDS[body["org"]]})
            if parts == ["_test", "fdr"]:
                b = body or {}
                payments = [dict(p, index=i + 1) for i, p in enumerate(b.get("payments") or [])]
                flow = {
                    "fdr": b["fdr"], "fdrDate": b.get("fdrDate", now()), "revision": b.get("revision", 1),
                    "status": "PUBLISHED", "published": now(), "regulation": b["regulation"],
                    "regulationDate": b["regulationDate"], "bicCodePouringBank": "UNCRITMMXXX",
                    "sender": {"type": "ABI_CODE", "id": "SELBIT2B", "pspId": b["psp"],
                               "pspName": b.get("pspName", "PSP di prova"), "pspBrokerId": b["psp"],
                               "channelId": b["psp"] + "_01"},
                    "receiver": {"id": "APIMEC", "organizationId": b["org"],
                                 "organizationName": b.get("orgName", "Comune di prova")},
                    "totPayments": b.get("totPayments", len(payments)),
                    "sumPayments": b.get("sumPayments", round(sum(p["pay"] for p in payments), 2)),
                    "payments": payments,
                }
                FDRS.setdefault(b["org"], []).append(flow)
                return self.send(201, {"fdr": flow["fdr"]})
            if parts == ["_test", "pay"]:
                o = pay(body["org"], body["iuv"], body.get("psp", "Banca Fittizia S.p.A."))
                return self.send(200, o) if o else self.problem(404, "no unpaid option with this IUV")
        self.problem(404, "unknown path")

    def do_PUT(self):
        url, parts, query = self.route()
        body = self.body()
        with LOCK:
            if parts[:1] == ["gpd"] and len(parts) == 5 and parts[3] == "debtpositions":
                if not self.authorised():
                    return
                key = (parts[2], parts[4])
                p = POSITIONS.get(key)
                if not p:
                    return self.problem(404, "no such position")
                if not isinstance(body, dict):
                    return self.problem(400, "a JSON object is required")
                errs = errors_of(body)
                if body.get("iupd") != parts[4]:
                    errs.append("iupd differs from the path")
                if errs:
                    return self.problem(400, "; ".join(errs))
                if p["status"] not in ("VALID", "DRAFT", "PUBLISHED"):
                    return self.problem(409, f"a {p['status']} position cannot be updated")
                POSITIONS[key] = stored(body, p["status"])
                return self.send(200, POSITIONS[key])
        self.problem(404, "unknown path")


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.serve_forever()
