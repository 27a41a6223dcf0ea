"""The needs import's answer in Chinese: the rejected rows' reasons, and the file's own problems."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = "worker_id,text,category,source,interview_point"

COLUMNS = {
    "worker_id": _l("职工编号（worker_id）"), "text": _l("需求内容（text）"), "category": _l("需求类别（category）"),
    "source": _l("来源（source）"), "interview_point": _l("访谈点（interview_point）"),
}


def content_type(filename: str, data: bytes) -> str | None:
    """The upload's own type: an .xlsx workbook (a zip) or CSV text; None for anything else."""
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return XLSX if data[:4] == b"PK\x03\x04" else None
    if name.endswith(".csv") or name.endswith(".txt"):
        return "text/csv"
    return None


def _one(field: str, text: str) -> str:
    if "Missing data" in text or "may not be null" in text:
        return _("必须填写")
    if text.startswith("Must be one of"):
        if field == "category":
            return _("不是可用的类别（可以留空，由系统自动判断）")
        if field == "source":
            return _("只能是 interview（访谈）或 online（线上）")
        return _("不在可选范围内")
    if "The text is blank" in text:
        return _("内容是空的")
    match = re.search(r"Length must be between (\d+) and (\d+)|Longer than maximum length (\d+)", text)
    if match:
        return _("太长了（最多 %(n)s 个字）", n=match.group(2) or match.group(3))
    match = re.search(r"Expected (\d+) columns, got (\d+)", text)
    if match:
        return _("应有 %(want)s 列，实际是 %(got)s 列（内容里有逗号时请用英文双引号括起来）",
                 want=match.group(1), got=match.group(2))
    if "UTF-8" in text or "text" in text.lower() and "bytes" in text.lower():
        return _("这一行有无法识别的文字编码")
    if "quote" in text:
        return _("这一行的引号没有配对")
    if "longer than" in text:
        return _("这一行太长了")
    return _("填写得不对")


def row_reason(errors: dict) -> str:
    """One rejected row's errors ({"category": ["Must be one of: ..."], "_line": [...]}) as one Chinese sentence."""
    parts = []
    for field, messages in (errors or {}).items():
        text = messages[0] if isinstance(messages, list) and messages else str(messages)
        reason = _one(field, str(text))
        parts.append(reason if field == "_line" else f"{COLUMNS.get(field, field)}：{reason}")
    return "；".join(parts) or _("填写得不对")


def file_problem(exc) -> str:
    """Why the API refused the whole file (415, 413, 422 on the file or its header), in Chinese."""
    if exc.status == 415:
        return _("暂时只能导入 CSV 文件。请在 Excel 里“另存为 CSV UTF-8（逗号分隔）”后再上传。")
    if exc.status == 413:
        return _("文件太大了。请把它分成几个小文件再分别导入。")
    errors = exc.errors or {}
    if "header" in errors:
        return _("第一行（表头）必须正好是：%(h)s", h=HEADER)
    text = " ".join(str(m) for v in errors.values() for m in (v if isinstance(v, list) else [v]))
    if "empty" in text:
        return _("文件是空的。第一行应是表头：%(h)s", h=HEADER)
    if "xlsx" in text.lower() or "Excel" in text:
        return _("这个 Excel 文件打不开。请确认它是 .xlsx 格式（不是 .xls），或另存为 CSV 再上传。")
    return _("这个文件无法导入，请检查格式。第一行应是表头：%(h)s", h=HEADER)


def report(answer: dict) -> dict:
    """The report the page shows: imported, rejected rows with line and reason in Chinese."""
    rejected = [{"line": r.get("line"), "reason": row_reason(r.get("errors") or {})} for r in answer.get("rejected") or []]
    return {"imported": answer.get("imported", 0), "rejected": rejected,
            "rejected_total": answer.get("rejected_total", len(rejected))}

