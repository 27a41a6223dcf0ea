from tests.helpers import assert_problem
from tests.factories import make_offer, make_profile

HEADER = "worker_id,text,category,source,interview_point\n"


def post_csv(client, token, text, content_type="text/csv"):
    return client.open("POST", "/matching/needs/import", token=token, data=text.encode("utf-8"),
                       content_type=content_type)


def test_good_rows_go_in_and_bad_rows_are_reported_by_line(client, admin):
    body = HEADER + "\n".join([
        "w-1,司机长期开车腰不好，想要免费体检,,online,",
        "w-2,房租太贵了,housing,interview,星湖街服务站",
        ",没有工号,,online,",
        "w-3,想学电工,astrology,online,",
        "w-4,文本,,pigeon,",
        "w-5,too,many,columns,here,extra",
        "",
        "w-6,\"带逗号，的文本, 也可以\",,,",
    ]) + "\n"
    resp = post_csv(client, admin, body)
    assert resp.status_code == 200, resp.get_json()
    result = resp.get_json()
    assert result["imported"] == 3
    assert [r["line"] for r in result["rejected"]] == [4, 5, 6, 7]
    assert "worker_id" in result["rejected"][0]["errors"] and "category" in result["rejected"][1]["errors"]
    assert "source" in result["rejected"][2]["errors"] and "_line" in result["rejected"][3]["errors"]
    needs = {n["worker_id"]: n for n in client.get("/matching/needs?per_page=100", token=admin).get_json()["items"]}
    assert needs["w-1"]["category"] == "health_checkup" and needs["w-1"]["category_source"] == "inferred"
    assert needs["w-2"]["category_source"] == "given" and needs["w-2"]["interview_point"] == "星湖街服务站"
    assert needs["w-6"]["source"] == "online"


def test_a_bom_and_crlf_are_fine(client, admin):
    data = b"\xef\xbb\xbf" + HEADER.replace("\n", "\r\n").encode() + "w-1,体检,,,\r\n".encode()
    resp = client.open("POST", "/matching/needs/import", token=admin, content_type="text/csv", data=data)
    assert resp.get_json()["imported"] == 1


def test_invalid_utf8_lines_are_rejected_alone(client, admin):
    data = HEADER.encode() + b"w-1,\xff\xfe,,,\n" + "w-2,体检,,,\n".encode()
    result = client.open("POST", "/matching/needs/import", token=admin, data=data, content_type="text/csv").get_json()
    assert result["imported"] == 1 and result["rejected"][0]["line"] == 2


def test_wrong_or_missing_header_is_422_and_imports_nothing(client, admin):
    body = assert_problem(post_csv(client, admin, "id,text\nw-1,体检\n"), 422)
    assert "header" in body["errors"]
    assert "file" in assert_problem(post_csv(client, admin, ""), 422)["errors"]
    assert client.get("/matching/needs", token=admin).get_json()["total"] == 0


def test_only_staff_and_admin_import_and_only_csv(client, token, admin):
    assert_problem(post_csv(client, None, HEADER), 401)
    assert_problem(post_csv(client, token("worker"), HEADER), 403)
    assert_problem(client.post("/matching/needs/import", {"rows": []}, token=admin), 415)
    assert_problem(post_csv(client, admin, HEADER, content_type="text/plain"), 415)


def test_a_few_thousand_rows(client, admin):
    rows = "".join(f"w-{i % 700},希望工会每年安排一次健康检查 {i},,online,\n" for i in range(3000))
    result = post_csv(client, admin, HEADER + rows).get_json()
    assert result == {"imported": 3000, "rejected": [], "rejected_total": 0}
    assert client.get("/matching/needs?category=health_checkup", token=admin).get_json()["total"] == 3000


def test_imported_needs_reach_demand_through_the_event_worker(client, admin, unions, pump):
    tree = unions
    offer = make_offer(client, admin, tree["sip"]["id"])
    make_profile(client, admin, "w-1")
    make_profile(client, admin, "w-2")
    pump()
    result = post_csv(client, admin, HEADER + "w-1,想要体检,,,\nw-2,體檢,,,\nw-2,还想体检,,,\n").get_json()
    assert result["imported"] == 3
    demand = f"/matching/offers/{offer['id']}/demand"
    assert client.get(demand, token=admin).get_json()["matched_workers"] == 0  # the index catches up after
    pump()
    assert client.get(demand, token=admin).get_json()["matched_workers"] == 2
