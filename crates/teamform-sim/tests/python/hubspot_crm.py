"""Drives the simulator's CRM objects API with HubSpot's official Python client
(`hubspot-api-client`), unchanged, pointed at it with `host=`: it looks up two owners, creates
contacts (one at a time and in a batch) and a deal owned by the first, searches them by
`hubspot_owner_id`, hands them to the second owner with a batch update, and checks by search
and by batch read that the first owns nothing left.

Usage: python3 hubspot_crm.py BASE_URL TOKEN [OWNER_EMAIL] (the token is read from the
argument, never printed). With OWNER_EMAIL it only creates records owned by that user (for
an end-to-end test of offboarding) and prints their count. Exits non-zero on a mismatch.
"""

import sys

from hubspot import HubSpot
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectId,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.deals import SimplePublicObjectInputForCreate as DealInput


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


def owner_id(client, email):
    owners = client.crm.owners.owners_api.get_page(email=email).results
    check(len(owners) == 1 and owners[0].email == email, f"one owner for {email}")
    return owners[0].id


def owned_by(client, owner):
    request = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name="hubspot_owner_id", operator="EQ", value=owner)])],
        sorts=["hs_object_id"],
        properties=["email", "hubspot_owner_id"],
        limit=100,
    )
    return client.crm.contacts.search_api.do_search(public_object_search_request=request)


def create_for(client, owner, count, tag):
    contacts = client.crm.contacts
    first = contacts.basic_api.create(
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
            properties={"email": f"{tag}-0@customer.example", "hubspot_owner_id": owner}
        )
    )
    check(first.properties["hubspot_owner_id"] == owner, "the created contact has its owner")
    inputs = [
        SimplePublicObjectBatchInputForCreate(
            properties={"email": f"{tag}-{i}@customer.example", "hubspot_owner_id": owner}, associations=[]
        )
        for i in range(1, count)
    ]
    made = contacts.batch_api.create(
        batch_input_simple_public_object_batch_input_for_create=BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs)
    )
    check(len(made.results) == count - 1, "the batch created every contact")
    deal = client.crm.deals.basic_api.create(
        simple_public_object_input_for_create=DealInput(properties={"dealname": f"{tag} deal", "hubspot_owner_id": owner})
    )
    check(deal.properties["hubspot_owner_id"] == owner, "the created deal has its owner")
    return [first.id] + [r.id for r in made.results]


def main():
    base, token = sys.argv[1], sys.argv[2]
    client = HubSpot(access_token=token, host=base)
    if len(sys.argv) > 3:
        ids = create_for(client, owner_id(client, sys.argv[3]), 25, "py")
        print(f"ok: created {len(ids)} contacts and 1 deal")
        return

    alice, bob = owner_id(client, "user1@acme.example"), owner_id(client, "user2@acme.example")
    ids = create_for(client, alice, 12, "crm")

    found = owned_by(client, alice)
    check(found.total == 12 and sorted(r.id for r in found.results) == sorted(ids), f"search by owner: {found.total}")

    moved = client.crm.contacts.batch_api.update(
        batch_input_simple_public_object_batch_input=BatchInputSimplePublicObjectBatchInput(
            inputs=[SimplePublicObjectBatchInput(id=i, properties={"hubspot_owner_id": bob}) for i in ids]
        )
    )
    check(len(moved.results) == 12, "the batch update changed every contact")
    check(owned_by(client, alice).total == 0, "the first owner owns no contact left")
    check(owned_by(client, bob).total == 12, "the second owner owns them all")

    read = client.crm.contacts.batch_api.read(
        batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=i) for i in ids], properties=["hubspot_owner_id"], properties_with_history=[]
        )
    )
    check(all(r.properties["hubspot_owner_id"] == bob for r in read.results), "batch read shows the new owner")

    client.crm.contacts.basic_api.archive(contact_id=ids[0])
    check(owned_by(client, bob).total == 11, "an archived contact is no longer found")
    print("ok: contacts created, searched by owner, handed over in a batch, read back and archived")


if __name__ == "__main__":
    main()
