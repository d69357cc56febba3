"""Drives a running heatdesk (demo data) as another city system would.

The admin issues an API key through the portal's own pages; requests are
posted with it (the client library cannot post); then georeport, an
independent Open311 GeoReport v2 client from PyPI, reads the catalogue, the
service definitions, the list with its filters and single requests, in JSON
and in XML. Exits non-zero on the first difference.

Usage: check.py http://127.0.0.1:3102
"""

import re
import sys

import requests
from georeport import GeoReport

BASE = sys.argv[1].rstrip("/")
ROOT = f"{BASE}/open311/v2"
ADMIN = ("admin_demo", "heatdesk2026")
RESIDENT_PHONE = "13800000001"
checks = 0


def check(condition, what):
    global checks
    if not condition:
        print(f"open311 client: FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    checks += 1


def as_list(value):
    """xmltodict gives one element as a dict and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def issue_key():
    admin = requests.Session()
    # The portal's forms are same-origin only; a browser would say so.
    admin.headers["Origin"] = BASE
    signed_in = admin.post(
        f"{BASE}/api/signin/staff",
        data={"username": ADMIN[0], "password": ADMIN[1]},
        headers={"Accept": "text/html"},
        allow_redirects=False,
    )
    check(signed_in.status_code in (200, 302, 303), f"admin signs in ({signed_in.status_code})")
    issued = admin.post(
        f"{BASE}/api/admin/api-keys/issue",
        data={"label": "georeport client check"},
        headers={"Accept": "text/html", "Referer": f"{BASE}/admin/api-keys"},
        allow_redirects=False,
    )
    check(issued.status_code in (302, 303), f"key issued ({issued.status_code})")
    page = admin.get(BASE + issued.headers["Location"]).text
    found = re.search(r"hd311_[A-Za-z0-9_-]{43}", page)
    check(found is not None, "the new key is on the page")
    return found.group(0)


def post(key, fields, fmt="json"):
    answer = requests.post(f"{ROOT}/requests.{fmt}", data={"api_key": key, **fields})
    check(answer.status_code == 201, f"POST requests.{fmt}: {answer.status_code} {answer.text}")
    return answer


def main():
    key = issue_key()
    temperature = post(
        key,
        {
            "service_code": "heating-temperature",
            "attribute[reading]": "16.0",
            "attribute[room]": "bedroom",
            "address_string": "潍坊市奎文区金宝花园2号楼1单元201室",
            "phone": RESIDENT_PHONE,
            "first_name": "芳",
            "last_name": "王",
        },
    ).json()[0]["service_request_id"]
    repair_xml = post(
        key,
        {
            "service_code": "heating-repair",
            "attribute[category]": "valve",
            "address_string": "金宝花园2号楼",
            "description": "楼道阀门漏水",
        },
        fmt="xml",
    ).text
    repair = re.search(r"<service_request_id>([^<]+)</service_request_id>", repair_xml).group(1)
    refused = requests.post(f"{ROOT}/requests.json", data={"api_key": "hd311_wrong", "service_code": "heating-repair"})
    check(refused.status_code == 403, "a wrong key gets 403")

    for fmt in ("json", "xml"):
        client = GeoReport(ROOT, output_format=fmt)
        services = as_list(client.get_service_list())
        codes = {s["service_code"] for s in services}
        check(
            codes == {"heating-temperature", "heating-repair", "heating-suspend", "heating-resume"},
            f"{fmt}: the catalogue lists the four services ({codes})",
        )
        definition = client.get_service_definition("heating-temperature")
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = as_list(attributes["attribute"])
        check(
            {a["code"] for a in attributes} >= {"reading", "room"},
            f"{fmt}: the temperature service asks for the reading and the room",
        )
        listed = as_list(client.get_service_requests(service_code="heating-temperature", status="open"))
        check(any(r["service_request_id"] == temperature for r in listed), f"{fmt}: the open temperature complaints list it")
        check(all(r["service_code"] == "heating-temperature" for r in listed), f"{fmt}: the service filter holds")
        several = as_list(client.get_service_requests(service_request_id=f"{temperature},{repair}"))
        check(
            {r["service_request_id"] for r in several} == {temperature, repair},
            f"{fmt}: both ids are found at once",
        )
        closed = as_list(client.get_service_requests(status="closed", start_date="2026-11-01T00:00:00+08:00"))
        check(all(r["status"] == "closed" for r in closed), f"{fmt}: the status filter holds")
        one = client.get_service_request(temperature)
        check(one["status"] == "open", f"{fmt}: the request is open")
        check(one["address"] == "金宝花园 2号楼", f"{fmt}: the address is the building ({one['address']})")
        check(one["expected_datetime"].endswith("+08:00"), f"{fmt}: the promise is a Shanghai time")
        text = str(one)
        check(RESIDENT_PHONE not in text and "王芳" not in text and "201" not in text, f"{fmt}: no name, phone or flat")

    print(f"open311 client (georeport 0.3.1, JSON and XML): {checks} checks passed")


if __name__ == "__main__":
    main()
