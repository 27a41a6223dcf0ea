"""What each notification says (Chinese, as the workers read it) and which page it links to.

Each function returns a Message; titles and bodies never carry a phone number or a need's text.
Links are pages of the site (services/web): an offer, a booking, a need, a staff page."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.timeutil import to_local
from shared.vocab import NeedOutcome

from . import kinds

OUTCOMES = {"got_help": "已获得帮助", "booked": "已报名参加活动", "not_eligible": "不符合条件",
            "no_capacity": "名额不足", "could_not_contact": "无法联系到你", "no_longer_needed": "已不再需要",
            "referred": "已转介其他单位办理"}
SOMETHING = "你报名的活动"  # an offer notify has not heard of yet


@dataclass(frozen=True)
class Message:
    type: str
    title: str
    body: str
    link: str | None


def when(moment: datetime | None) -> str:
    """12月1日 09:00, in Asia/Shanghai."""
    if moment is None:
        return ""
    local = to_local(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _named(title: str | None) -> str:
    return f"「{title}」" if title else SOMETHING


def _at(starts_at: datetime | None) -> str:
    return f"（{when(starts_at)}）" if starts_at else ""


def matches_need(offer_id: str, title: str) -> Message:
    return Message(kinds.OFFER_MATCHES_NEED, "你的需求有回应了",
                   f"工会新发布的{_named(title)}正好对应你提出的需求，你符合报名条件。点开看看，名额有限。",
                   f"/offers/{offer_id}")


def booking(event_type: str, booking_id: str, title: str | None, starts_at: datetime | None,
            accept_by: datetime | None = None) -> Message | None:
    link = f"/bookings/{booking_id}"
    what, at = _named(title), _at(starts_at)
    if event_type == kinds.BOOKING_CONFIRMED:
        return Message(event_type, "报名成功", f"你已报名{what}{at}。到场时请出示报名二维码。", link)
    if event_type == kinds.BOOKING_WAITLISTED:
        return Message(event_type, "已进入候补名单",
                       f"{what}{at}这一场已满，你在候补名单上。有人取消时会按顺序递补，并马上通知你。", link)
    if event_type == kinds.BOOKING_PROMOTED:
        return Message(event_type, "候补成功，名额已为你保留",
                       f"有人取消了报名，你已从候补名单递补为{what}{at}的正式报名。到场时请出示报名二维码。", link)
    if event_type == kinds.BOOKING_OFFERED:
        deadline = f"请在 {when(accept_by)} 前" if accept_by else "请尽快"
        return Message(event_type, "恭喜中签",
                       f"你申请的{what}{at}抽中了。{deadline}确认参加，逾期名额将顺延给下一位。", link)
    return None


def ballot_waitlisted(booking_id: str, title: str | None, starts_at: datetime | None) -> Message:
    """A ballot's loser (session.waitlisted): not "this session is full", but the draw's order."""
    return Message(kinds.SESSION_WAITLISTED, "未中签，已进入候补",
                   f"你申请的{_named(title)}{_at(starts_at)}这次抽签没有抽中，你已按抽签顺序进入候补名单。"
                   f"中签的人放弃或逾期未确认时，名额会按这个顺序递补，轮到你时马上通知你。点开可查看你的候补位次。",
                   f"/bookings/{booking_id}")


def offer_expiring(booking_id: str, title: str | None, accept_by: datetime | None) -> Message:
    return Message(kinds.OFFER_EXPIRING, "中签名额快要过期了",
                   f"你抽中的{_named(title)}名额还没有确认，请在 {when(accept_by)} 前确认，逾期将顺延给下一位。",
                   f"/bookings/{booking_id}")


def session_reminder(booking_id: str, title: str | None, starts_at: datetime | None, address: str) -> Message:
    where = f"地点：{address}。" if address else ""
    return Message(kinds.SESSION_REMINDER, "活动提醒",
                   f"你报名的{_named(title)}将在 {when(starts_at)} 开始。{where}到场时请出示报名二维码；"
                   f"去不了请提前取消，把名额留给别人。", f"/bookings/{booking_id}")


def need_for_worker(event_type: str, need_id: str, union_name: str | None, due_date: str | None = None,
                    outcome: str | None = None) -> Message | None:
    link = f"/needs/{need_id}"
    who = union_name or "工会"
    if event_type == kinds.NEED_ASSIGNED:
        due = f"，将在 {_day(due_date)} 前答复你" if due_date else ""
        return Message(event_type, "你的需求有人负责了", f"{who}已受理你提出的需求{due}。", link)
    if event_type == kinds.NEED_RESPONDED:
        return Message(event_type, "工会答复了你的需求", f"{who}答复了你提出的需求，点开查看。", link)
    if event_type == kinds.NEED_RESOLVED:
        if outcome == NeedOutcome.BOOKED:
            return None  # a sign-up met it: the booking's own notification tells the worker, no second one
        result = f"（{OUTCOMES[outcome]}）" if outcome in OUTCOMES else ""
        return Message(event_type, "你的需求已办结，满意吗？",
                       f"{who}已办结你提出的需求{result}。你对处理结果满意吗？请点开告诉我们。", link)
    return None


def need_for_staff(event_type: str, need_id: str, from_union: str | None = None) -> Message | None:
    link = f"/staff/needs/{need_id}"
    if event_type == kinds.NEED_REOPENED:
        return Message(event_type, "职工对处理结果不满意",
                       "一位职工对需求的处理结果不满意，需求已重新打开，请再跟进。", link)
    if event_type == kinds.NEED_ESCALATED:
        source = f"在{from_union}" if from_union else ""
        return Message(event_type, "有逾期需求上报到你单位",
                       f"一条需求{source}逾期未办结，已上报到你单位，请尽快跟进。", link)
    return None


def _day(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{day.month}月{day.day}日"
