"""A citizen's journey through the Python client generated from openapi/openapi.json.

Run by scripts/contract.sh, with the generated package `sportello_client` on PYTHONPATH:
    python journey.py BASE_URL
Signs in as the demo citizen, files a request, finds it in the citizen's own list and reads
it back by id. Every step asserts on the typed models the generator made from the contract;
any failure exits non-zero.
"""

import sys
import uuid

from sportello_client import AuthenticatedClient, Client
from sportello_client.api.auth import login, me
from sportello_client.api.requests import create_request, get_request, list_requests
from sportello_client.models import (
    CreateRequest,
    CreateRequestFields,
    LoginRequest,
    Me,
    PageRequestSummary,
    Problem,
    RequestView,
    TokenResponse,
)

CITIZEN = "mario.rossi@example.it"
PASSWORD = "Demo2026!sportello"


def step(name, ok, detail=""):
    if not ok:
        print(f"FAILED: {name} {detail}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {name}")


def main(base_url):
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)

    # A wrong password is a typed problem, not an exception or a token.
    wrong = login.sync_detailed(
        client=anonymous, body=LoginRequest(username=CITIZEN, password="not-the-password")
    )
    step(
        "wrong password is 401 problem+json",
        wrong.status_code == 401 and isinstance(wrong.parsed, Problem),
        f"{wrong.status_code} {wrong.content[:200]!r}",
    )

    signed_in = login.sync_detailed(
        client=anonymous, body=LoginRequest(username=CITIZEN, password=PASSWORD)
    )
    token = signed_in.parsed
    step(
        "log in as the demo citizen",
        signed_in.status_code == 200 and isinstance(token, TokenResponse) and token.access_token,
        f"{signed_in.status_code} {signed_in.content[:200]!r}",
    )
    step("token type is Bearer", token.token_type == "Bearer", token.token_type)
    citizen = AuthenticatedClient(
        base_url=base_url, token=token.access_token, raise_on_unexpected_status=True
    )

    who = me.sync(client=citizen)
    step("who am I", isinstance(who, Me) and who.email == CITIZEN, repr(who))

    subject = f"Mancata raccolta {uuid.uuid4().hex[:8]}"
    filed = create_request.sync_detailed(
        client=citizen,
        body=CreateRequest(
            type_="tari_reclamo",
            subject=subject,
            description="Da una settimana non passano a ritirare l'organico.",
            fields=CreateRequestFields.from_dict({"servizio": "raccolta"}),
        ),
        idempotency_key=str(uuid.uuid4()),
    )
    request = filed.parsed
    step(
        "file a request",
        filed.status_code == 201 and isinstance(request, RequestView),
        f"{filed.status_code} {filed.content[:300]!r}",
    )
    step(
        "the request has a protocol number and is received",
        bool(request.protocol_number) and request.status.value == "received",
        f"{request.protocol_number!r} {request.status!r}",
    )
    step("the request keeps its subject and type", request.subject == subject and request.type_ == "tari_reclamo")

    page = list_requests.sync(client=citizen, limit=50)
    step("list own requests", isinstance(page, PageRequestSummary), repr(page)[:300])
    found = [item for item in page.items if item.id == request.id]
    step(
        "the new request is in the citizen's list",
        len(found) == 1
        and not hasattr(found[0], "description")
        and found[0].subject == subject
        and found[0].protocol_number == request.protocol_number
        and found[0].status.value == "received",
        f"{len(page.items)} items: {found!r}"[:300],
    )

    read = get_request.sync(request.id, client=citizen)
    step(
        "read it back by id",
        isinstance(read, RequestView)
        and read.id == request.id
        and read.protocol_number == request.protocol_number
        and read.fields.to_dict() == {"servizio": "raccolta"},
        repr(read)[:300],
    )

    missing = get_request.sync_detailed("does-not-exist", client=citizen)
    step(
        "an unknown id is a 404 problem",
        missing.status_code == 404 and isinstance(missing.parsed, Problem),
        f"{missing.status_code}",
    )
    print(f"journey passed: request {request.protocol_number} ({request.id})")


if __name__ == "__main__":
    main(sys.argv[1])
