"""Drives the simulator with HubSpot's official Python client (`hubspot-api-client`), unchanged,
pointed at it with `host=`: it lists users page by page, reads roles, teams and owners, gets a
user by email, creates, replaces and removes one, and checks that HubSpot's errors come back as
the client's `ApiException` with the right status.

Usage: python3 hubspot_client.py BASE_URL TOKEN (the token is read from the argument, never
printed). Exits non-zero with a message on the first mismatch.
"""

import json
import sys

from hubspot import HubSpot
from hubspot.settings.users import ApiException, PublicUserUpdate, UserProvisionRequest


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    base, token = sys.argv[1], sys.argv[2]
    client = HubSpot(access_token=token, host=base)
    users_api = client.settings.users.users_api

    # Every user, two per page, following `paging.next.after`.
    emails, after = [], None
    while True:
        page = users_api.get_page(limit=2, after=after) if after else users_api.get_page(limit=2)
        emails += [u.email for u in page.results]
        if page.paging is None or page.paging.next is None:
            break
        after = page.paging.next.after
    check(len(emails) == 5, f"five users listed, got {emails}")

    roles = client.settings.users.roles_api.get_all().results
    teams = client.settings.users.teams_api.get_all().results
    rep = next(r for r in roles if r.name == "Sales Rep")
    support = next(t for t in teams if t.name == "Support")
    sales_fr = next(t for t in teams if t.name == "Sales France")
    check(len(sales_fr.user_ids) == 4, "Sales France has four primary members")

    found = users_api.get_by_id(user_id="user3@acme.example", id_property="EMAIL")
    check(found.email == "user3@acme.example" and found.role_ids == [rep.id], "get by email")

    created = users_api.create(
        user_provision_request=UserProvisionRequest(
            email="py@acme.example",
            role_id=rep.id,
            primary_team_id=support.id,
            send_welcome_email=False,
        )
    )
    check(created.primary_team_id == support.id and not created.super_admin, "created user")

    try:
        users_api.create(
            user_provision_request=UserProvisionRequest(email="PY@acme.example", send_welcome_email=False)
        )
        check(False, "a duplicate email is refused")
    except ApiException as e:
        body = json.loads(e.body)
        check(e.status == 409 and body["category"] == "CONFLICT", f"duplicate: {e.status} {e.body}")

    try:
        users_api.replace(user_id=created.id, public_user_update=PublicUserUpdate(role_id="999999"))
        check(False, "an unknown role is refused")
    except ApiException as e:
        check(e.status == 400 and "999999" in json.loads(e.body)["message"], f"unknown role: {e.body}")

    replaced = users_api.replace(
        user_id=created.id, public_user_update=PublicUserUpdate(primary_team_id=sales_fr.id)
    )
    check(replaced.primary_team_id == sales_fr.id, "replaced user")

    owners = client.crm.owners.owners_api.get_page(email="py@acme.example")
    check(len(owners.results) == 1, "an owner per user")
    owner = owners.results[0]
    check(owner.user_id == int(created.id) and owner.teams[0].primary, "owner with its primary team")
    check(client.crm.owners.owners_api.get_by_id(owner_id=int(owner.id)).email == "py@acme.example", "owner by id")

    users_api.archive(user_id=created.id)
    try:
        users_api.get_by_id(user_id=created.id)
        check(False, "a removed user is gone")
    except ApiException as e:
        check(e.status == 404, f"removed user: {e.status}")

    try:
        HubSpot(access_token="wrong", host=base).settings.users.users_api.get_page()
        check(False, "a wrong token is refused")
    except ApiException as e:
        check(e.status == 401, f"wrong token: {e.status}")

    print("ok: the official Python client works against the simulator")


if __name__ == "__main__":
    main()
