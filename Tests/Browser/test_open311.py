"""Open311 GeoReport v2 against the real binary, through an existing client library.

The client is `georeport` from PyPI (GeoReport v2 wrapper, JSON and XML, Python 3.9+). It
reads services, service definitions and requests; it has no call to file a request, so the
POST is sent as GeoReport's form-encoded body with `requests` (which georeport itself uses).
The `api_key` is issued by the real `tongguan open311 key add` command beside the server.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
import requests

from conftest import _unavailable
from test_cli import PASSWORD, run, server, token  # noqa: F401  (server is a fixture)

try:
    from georeport import GeoReport
except ImportError:  # pragma: no cover - scripts/test installs it
    GeoReport = None


def client(url: str, fmt: str = "json"):
    if GeoReport is None:
        _unavailable("python package georeport is not installed (scripts/test installs it)")
    return GeoReport(url + "/open311/v2", output_format=fmt)


def issue_key(db) -> str:
    done = run(db, "open311", "key", "add", "市民通App", "--division", "141124")
    assert done.returncode == 0, done.stderr + done.stdout
    keys = [line for line in done.stdout.splitlines() if line.startswith("o311_")]
    assert len(keys) == 1, done.stdout
    return keys[0]


def test_georeport_client_reads_services_posts_and_reads_back(server):  # noqa: F811
    db, url = server
    for fmt in ("json", "xml"):
        c = client(url, fmt)
        services = c.get_service_list()
        names = {s["service_name"] for s in services}
        assert {"道路破损", "路灯不亮", "噪音扰民", "垃圾清运", "供暖问题"} <= names, services
        definition = c.get_service_definition("road_damage")
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = attributes["attribute"]
        assert attributes[0]["code"] == "damage_type"
        assert attributes[0]["datatype"] == "singlevaluelist"

    key = issue_key(db)
    form = {
        "api_key": key, "service_code": "road_damage", "lat": "37.5186", "long": "111.1445",
        "address_string": "临县城关镇滨河路口", "attribute[damage_type]": "pothole",
        "first_name": "三丰", "last_name": "张", "phone": "13800001234", "description": "路口有一个大坑。",
    }
    posted = requests.post(url + "/open311/v2/requests.json", data=form, timeout=10)
    assert posted.status_code == 201, posted.text
    number = posted.json()[0]["service_request_id"]
    assert number.startswith("141124-")

    for fmt in ("json", "xml"):
        c = client(url, fmt)
        one = c.get_service_request(number)
        assert one["service_request_id"] == number
        assert one["status"] == "open"
        assert one["service_name"] == "道路破损"
        assert one["address"] == "临县城关镇滨河路口"
        assert one["requested_datetime"].endswith("+08:00")
        listed = c.get_service_requests(service_code="road_damage", status="open")
        if isinstance(listed, dict):  # xmltodict: one <request> is a dict
            listed = [listed]
        assert [r["service_request_id"] for r in listed] == [number]
        raw = json.dumps(listed, ensure_ascii=False)
        for secret in ("张三丰", "13800001234"):
            assert secret not in raw

    # The case is a 诉求 of source online, seen by the API's own list.
    admin = token(url, "admin", PASSWORD)
    cases = requests.get(url + "/api/v1/cases?source=online", headers={"Authorization": f"Bearer {admin}"}, timeout=10)
    assert [c["number"] for c in cases.json()["items"]] == [number]
    with sqlite3.connect(db) as conn:
        actors = [r[0] for r in conn.execute("SELECT actor FROM audit_events WHERE action = 'case.create'")]
        stored = [r[0] for r in conn.execute("SELECT key_hash FROM open311_keys")]
    assert actors == ["open311:市民通App"]
    assert stored and key not in stored


def test_georeport_client_sees_errors(server):  # noqa: F811
    db, url = server
    c = client(url, "json")
    with pytest.raises(requests.HTTPError) as missing:
        c.get_service_request("141124-2026-999999")
    assert missing.value.response.status_code == 404
    assert missing.value.response.json()[0]["code"] == 404
    with pytest.raises(requests.HTTPError) as bad:
        c.get_service_requests(start_date="yesterday")
    assert bad.value.response.status_code == 400
    refused = requests.post(url + "/open311/v2/requests.xml", data={"service_code": "noise"}, timeout=10)
    assert refused.status_code == 403
    assert "<errors><error><code>403</code>" in refused.text
    key = issue_key(db)
    invalid = requests.post(url + "/open311/v2/requests.json",
                            data={"api_key": key, "service_code": "noise", "lat": "95", "long": "0"}, timeout=10)
    assert invalid.status_code == 400
    fields = {e["description"].split(":")[0] for e in invalid.json()}
    assert {"lat", "attribute[noise_source]", "phone"} <= fields, invalid.text
