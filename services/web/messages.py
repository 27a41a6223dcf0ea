"""The one place that turns the API's problem+json into a friendly message, in the page's language.

By slug first, then by status; field errors become a message at the field
that caused them (by field name, then by the API's wording, else a plain one).
"""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .client import ApiError

BY_SLUG = {
    "invalid-credentials": _l("用户名或密码不对。"),
    "invalid-code": _l("验证码不对，请再输入一次。"),
    "code-expired": _l("验证码已失效，请重新获取。"),
    "rate-limited": _l("操作太频繁了，请稍后再试。"),
    "already-booked": _l("你已经报名了这一场。"),
    "full": _l("这一场已经满了，也不设候补名单。"),
    "limit-exceeded": _l("这个项目你能报名的次数已经用完了。"),
    "not-open": _l("这一场已经开始或已停止报名。"),
    "not-eligible": _l("很抱歉，你不符合这个项目的报名条件。"),
    "profile-required": _l("报名前请先填写你的个人资料。"),
    "invalid-state": _l("现在不能这样操作，请刷新页面看看最新状态。"),
    "request-in-progress": _l("上一次提交还在处理中，请稍等几秒再刷新。"),
    "idempotency-key-reused": _l("这张表单已经提交过了，请刷新页面后再试。"),
    "username-taken": _l("这个用户名已经有人用了。"),
    "validation-error": _l("有几项填写得不对，请看下面的提示。"),
    "unauthorized": _l("登录已过期，请重新登录。"),
    "forbidden": _l("你没有权限做这件事。"),
    "not-found": _l("没有找到你要的内容，可能已被删除或你无权查看。"),
}

BY_STATUS = {
    400: _l("请求有误，请返回重试。"),
    401: _l("登录已过期，请重新登录。"),
    403: _l("你没有权限做这件事。"),
    404: _l("没有找到你要的内容，可能已被删除或你无权查看。"),
    409: _l("操作和当前状态冲突，请刷新页面后再试。"),
    413: _l("提交的内容太大了。"),
    422: _l("有几项填写得不对，请看下面的提示。"),
    429: _l("操作太频繁了，请稍后再试。"),
}
FALLBACK = _l("出了点问题，请稍后再试。")

BY_FIELD = {
    "phone": _l("请输入11位中国大陆手机号，例如 13812345678。"),
    "code": _l("请输入短信里的6位数字验证码。"),
    "birth_date": _l("请填写真实的出生日期（年龄在14到100岁之间）。"),
    "district": _l("请从列表里选一个区。"),
    "worker_category": _l("请从列表里选一种职业。"),
    "children_birth_years": _l("孩子的出生年份要写成4位数字，用逗号隔开，例如 2018,2021。"),
    "new_password": _l("新密码至少要10个字符。"),
    "current_password": _l("当前密码不对。"),
    "union_id": _l("请选择你所在的工会或下级工会，而且这个工会要能联系到这位职工。"),
    "due_date": _l("请选择今天或以后一年之内的日期。"),
    "referred_to": _l("选择“已转介其他部门”时，请写明转给了哪个部门；其他结果不用填。"),
    "into": _l("请选择同一位职工的另一条需求。"),
    "offer_ids": _l("活动编号不对，请核对后再填。"),
    "satisfied": _l("请选择满意或不满意。"),
    "outcome": _l("请选择办理结果。"),
    "wechat_openid": _l("微信 openid 由6到64位字母、数字、下划线或连字符组成。"),
}

BY_WORDING = {
    "Missing data for required field.": _l("这一项必须填写。"),
    "Field may not be null.": _l("这一项必须填写。"),
    "Must not be blank.": _l("这一项必须填写。"),
    "Not a valid date.": _l("日期格式不对，请按 年-月-日 填写。"),
    "Not a valid integer.": _l("请填写数字。"),
    "The text is blank.": _l("请写下你的需求。"),
    "The due date is in the past.": _l("截止日期不能早于今天。"),
}
FIELD_FALLBACK = _l("这一项填写得不对。")

# Ballots: one slug, several situations; the API's detail says which (services/booking/applications.py, ...).
BY_DETAIL = {
    ("not-open", "Applications to this ballot open at"): _l("抽签申请还没有开始，请在申请时间内再来。"),
    ("not-open", "Applications to this ballot closed"): _l("抽签申请已经截止，请等待抽签结果。"),
    ("not-open", "Applications closed at"): _l("申请已经截止，不能再撤回；抽签后可以放弃名额或候补。"),
    ("not-open", "The time to accept this place has passed"): _l("确认期限已过，这个名额已按抽签顺序让给下一位。"),
    ("invalid-state", "Applications are still open"): _l("申请还没有截止，截止后才能抽签。"),
    ("invalid-state", "first come, first served"): _l("这一场是先到先得，不需要抽签。"),
    ("invalid-state", "a no-show is marked after it ends"): _l("场次结束后才能登记未到场。"),
    ("invalid-state", "Only a confirmed booking can be marked as a no-show"): _l("只有已报名（未签到）的才能登记为未到场。"),
    ("invalid-state", "Only a place offered can be accepted"): _l("这个报名现在没有待确认的名额。"),
}

RULES = {"min_age": _l("年龄"), "max_age": _l("年龄"), "worker_categories": _l("职业"), "districts": _l("所在区"),
         "members_only": _l("工会会员身份")}


def message_for(err: ApiError) -> str:
    for (slug, words), said in BY_DETAIL.items():
        if err.slug == slug and words in (err.detail or ""):
            return str(said)
    text = BY_SLUG.get(err.slug) or BY_STATUS.get(err.status) or FALLBACK
    if err.slug == "rate-limited" and err.retry_after:
        minutes = max(1, round(err.retry_after / 60))
        return _("操作太频繁了，请 %(n)s 分钟后再试。", n=minutes) if err.retry_after >= 90 else \
            _("操作太频繁了，请 %(n)s 秒后再试。", n=err.retry_after)
    rules = err.body.get("failed_rules")
    if err.slug == "not-eligible" and isinstance(rules, list) and rules:
        names = list(dict.fromkeys(str(RULES[r]) for r in rules if r in RULES))
        if names:
            return _("很抱歉，你不符合这个项目的报名条件（%(rules)s不符）。", rules=_("、").join(names))
    if err.slug == "invalid-code" and "left" in err.detail:
        left = "".join(ch for ch in err.detail if ch.isdigit())
        if left:
            return _("验证码不对，还可以再试 %(n)s 次。", n=left)
    return str(text)


def field_messages(err: ApiError) -> dict[str, str]:
    """{field: message} for the form; nested names (a.0.b) go to their first part."""
    out: dict[str, str] = {}
    for name, messages in (err.errors or {}).items():
        field = str(name).split(".", 1)[0]
        if field in out:
            continue
        wording = messages[0] if isinstance(messages, list) and messages else str(messages)
        text = BY_WORDING.get(wording)
        if text is None and field == "current_password":
            text = BY_FIELD[field]
        out[field] = str(text or BY_FIELD.get(field) or FIELD_FALLBACK)
    return out


def field_wording(field: str, text: str) -> str:
    """A marshmallow message of a staff form's field (ranges, lengths, the offer's own rules) in Chinese."""
    if "required" in text or "may not be null" in text or "Must not be blank" in text:
        return _("这一项必须填写。")
    if text.startswith("Must be one of"):
        return _("请从列表里选。")
    if "min_age must not be above max_age" in text:
        return _("最高年龄不能小于最低年龄。")
    if "ends_at must be after starts_at" in text:
        return _("结束时间要晚于开始时间。")
    if "must start in the future" in text:
        return _("新场次的开始时间要在现在之后。")
    ballot = _ballot_wording(field, text)
    if ballot:
        return ballot
    if "Shorter than minimum length 1" in text or "Length must be between 1" in text and field == "categories":
        return _("至少选一项。")
    match = re.search(r"greater than or equal to (\d+) and less than or equal to (\d+)", text)
    if match:
        return _("请填写 %(lo)s 到 %(hi)s 之间的数字。", lo=match.group(1), hi=match.group(2))
    match = re.search(r"Length must be between 1 and (\d+)", text)
    if match:
        return _("请填写，最多 %(n)s 个字。", n=match.group(1))
    match = re.search(r"Length must be between (\d+) and (\d+)|Longer than maximum length (\d+)", text)
    if match:
        return _("不能超过 %(n)s 个字。", n=match.group(2) or match.group(3))
    if "offset" in text or "Not a valid datetime" in text:
        return _("请选择日期和时间。")
    if "Not a valid integer" in text:
        return _("请填写整数。")
    return _("这一项填写得不对。")


def _ballot_wording(field: str, text: str) -> str | None:
    """The offer's allocation rules (services/catalog/allocation.py) in Chinese."""
    if "The window must open before it closes" in text:
        return _("申请截止时间要晚于开始时间。")
    if "Applications must close before the first session starts" in text:
        return _("申请截止时间要早于第一场开始的时间。")
    if "shares add up to more than 1" in text:
        return _("各配额的比例加起来不能超过 100%。")
    if "A quota names" in text:
        return _("每个配额要选职业或地区（可以都选）。")
    if "A ballot needs its application window" in text:
        return _("抽签要填写申请开始和截止时间。")
    if text.startswith("Only a ballot takes"):
        return _("只有抽签方式才填写这一项。")
    if field.startswith("quota_") and field.endswith("_share"):
        return _("请填写 1 到 100 之间的百分比。")
    return None
