"""What Excel and people really send: GBK, huge fields, open quotes, .xlsx; a bad row is a rejected row."""
import io

from openpyxl import Workbook

from tests.helpers import assert_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER = "worker_id,text,category,source,interview_point\r\n"


def post(client, token, data: bytes, content_type="text/csv", query=""):
    return client.open("POST", f"/matching/needs/import{query}", token=token, data=data, content_type=content_type)


def needs(client, admin) -> dict:
    return {n["worker_id"]: n for n in client.get("/matching/needs?per_page=100", token=admin).get_json()["items"]}


def test_a_gbk_file_saved_by_excel_is_read(client, admin):
    body = HEADER + "w-1,司机长期开车腰不好，想要免费体检,,online,\r\nw-2,房租太贵了,housing,interview,星湖街服务站\r\n"
    resp = post(client, admin, body.encode("gbk"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json() == {"imported": 2, "rejected": [], "rejected_total": 0}
    found = needs(client, admin)
    assert found["w-1"]["text"] == "司机长期开车腰不好，想要免费体检" and found["w-1"]["category"] == "health_checkup"
    assert found["w-2"]["interview_point"] == "星湖街服务站"


def test_gb18030_beyond_gbk_and_a_bom(client, admin):
    body = HEADER + "w-1,想学㐀字与€,,,\r\n"
    assert post(client, admin, body.encode("gb18030")).get_json()["imported"] == 1
    assert needs(client, admin)["w-1"]["text"] == "想学㐀字与€"
    assert post(client, admin, b"\xef\xbb\xbf" + body.replace("w-1", "w-2").encode()).get_json()["imported"] == 1


def test_a_field_over_csvs_limit_is_a_rejected_row(client, admin):
    body = HEADER + "w-1,体检,,,\r\n" + "w-2," + "长" * 140_000 + ",,,\r\nw-3,体检,,,\r\n"
    resp = post(client, admin, body.encode())
    assert resp.status_code == 200, resp.get_data(as_text=True)
    result = resp.get_json()
    assert result["imported"] == 2 and [r["line"] for r in result["rejected"]] == [3]
    assert set(needs(client, admin)) == {"w-1", "w-3"}


def test_an_unterminated_quote_loses_only_its_row(client, admin):
    good = "".join(f"w-{i},想要免费体检 {i},,online,\r\n" for i in range(10, 1010))  # far more than a row may hold
    body = HEADER + "w-1,体检,,,\r\n" + 'w-2,"引号没有关上,,,\r\n' + good + 'w-3,"最后一行也没关,,,\r\nw-4,体检,,,\r\n'
    resp = post(client, admin, body.encode())
    assert resp.status_code == 200, resp.get_data(as_text=True)
    result = resp.get_json()
    assert [r["line"] for r in result["rejected"]] == [3, 1004]
    assert "quote" in result["rejected"][0]["errors"]["_line"][0]
    assert result["imported"] == 1 + 1000 + 1
    assert client.get("/matching/needs", token=admin).get_json()["total"] == 1002
    for worker in ("w-1", "w-10", "w-1009", "w-4"):
        assert client.get(f"/matching/needs?worker_id={worker}", token=admin).get_json()["total"] == 1


def test_quoted_text_over_several_lines_is_one_row_at_its_first_line(client, admin):
    body = HEADER + 'w-1,"第一行\r\n第二行，想体检",,,\r\nw-2,,,,\r\n'
    result = post(client, admin, body.encode()).get_json()
    assert result["imported"] == 1 and [r["line"] for r in result["rejected"]] == [4]
    assert needs(client, admin)["w-1"]["text"] == "第一行\r\n第二行，想体检"


def test_lines_that_are_no_text_are_rejected_alone(client, admin):
    data = HEADER.encode() + b"w-1,\xff\xfe\xff,,,\r\n" + "w-2,体检,,,\r\n".encode("gbk") + "w-3,体检,,,\r\n".encode()
    result = post(client, admin, data).get_json()
    assert result["imported"] == 2 and [r["line"] for r in result["rejected"]] == [2]
    assert "GB18030" in result["rejected"][0]["errors"]["_line"][0]


def xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_workbook_is_read_with_the_same_rules(client, admin):
    data = xlsx([["worker_id", "text", "category", "source", "interview_point"],
                 [1001, "司机想要免费体检", None, "online", None],
                 ["w-2", "房租太贵了", "housing", "interview", "星湖街服务站"],
                 [None, None, None, None, None],
                 ["w-3", "想学电工", "astrology", None, None],
                 ["w-4", "体检", None, None, None, "多出来的一列"]])
    resp = post(client, admin, data, content_type=XLSX)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    result = resp.get_json()
    assert result["imported"] == 2 and [r["line"] for r in result["rejected"]] == [5, 6]
    assert "category" in result["rejected"][0]["errors"] and "_line" in result["rejected"][1]["errors"]
    found = needs(client, admin)
    assert found["1001"]["category"] == "health_checkup" and found["w-2"]["interview_point"] == "星湖街服务站"


def test_a_broken_workbook_or_header_is_422_and_imports_nothing(client, admin):
    body = assert_problem(post(client, admin, b"PK\x03\x04 not really a zip", content_type=XLSX), 422)
    assert "file" in body["errors"]
    assert "header" in assert_problem(post(client, admin, xlsx([["id", "text"], ["w-1", "体检"]]),
                                           content_type=XLSX), 422)["errors"]
    assert client.get("/matching/needs", token=admin).get_json()["total"] == 0


def test_a_workbook_that_unpacks_to_too_much_is_refused(client, admin, monkeypatch):
    from services.matching import tabular

    monkeypatch.setattr(tabular, "MAX_XLSX_UNPACKED", 1000)
    body = assert_problem(post(client, admin, xlsx([["worker_id", "text", "category", "source", "interview_point"]]),
                               content_type=XLSX), 422)
    assert "unpacks" in body["errors"]["file"][0]
