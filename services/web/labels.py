"""Names people read for the API's codes (kinds, categories, districts, statuses), translatable."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

OFFER_KINDS = {
    "health_checkup": _l("免费体检"),
    "rest_trip": _l("疗休养"),
    "night_class": _l("职工夜校"),
    "talent_apartment": _l("人才公寓"),
    "after_school_class": _l("爱心托管班"),
}

NEED_CATEGORIES = {
    "health_checkup": _l("健康体检"),
    "rest_recuperation": _l("疗休养"),
    "skills_learning": _l("技能学习"),
    "housing": _l("住房"),
    "childcare": _l("子女托管"),
    "wages_benefits": _l("工资福利"),
    "labour_rights": _l("劳动权益"),
    "culture_sports": _l("文体活动"),
    "dating_social": _l("交友联谊"),
    "mental_health": _l("心理健康"),
    "commuting_charging": _l("通勤与充电"),
    "other": _l("其他"),
}

DISTRICTS = {
    "gusu": _l("姑苏区"),
    "huqiu": _l("虎丘区（高新区）"),
    "wuzhong": _l("吴中区"),
    "xiangcheng": _l("相城区"),
    "wujiang": _l("吴江区"),
    "sip": _l("苏州工业园区"),
    "changshu": _l("常熟市"),
    "zhangjiagang": _l("张家港市"),
    "kunshan": _l("昆山市"),
    "taicang": _l("太仓市"),
}

WORKER_CATEGORIES = {
    "frontline_worker": _l("一线职工"),
    "ride_hailing_driver": _l("网约车司机"),
    "delivery_rider": _l("外卖骑手"),
    "courier": _l("快递员"),
    "live_streamer": _l("网络主播"),
    "truck_driver": _l("货车司机"),
    "boat_crew": _l("船员"),
    "outdoor_worker": _l("户外劳动者"),
    "model_worker": _l("劳模工匠"),
    "office_worker": _l("办公室职员"),
    "other": _l("其他"),
}

BOOKING_STATUSES = {
    "confirmed": _l("已报名"),
    "waitlisted": _l("候补中"),
    "cancelled": _l("已取消"),
    "attended": _l("已签到"),
    "expired": _l("候补未成功"),
    "applied": _l("已申请抽签"),
    "offered": _l("抽中待确认"),
    "no_show": _l("未到场"),
}

NEED_STATUSES = {
    "open": _l("待处理"),
    "assigned": _l("已分派"),
    "responded": _l("已答复"),
    "resolved": _l("已办结"),
    "fulfilled": _l("已满足"),
    "withdrawn": _l("已撤回"),
    "merged": _l("已合并"),
}

# How a need ended (resolve's outcomes; `booked`: a booking met it).
OUTCOMES = {
    "got_help": _l("已获得帮助"),
    "not_eligible": _l("不符合条件"),
    "no_capacity": _l("名额或资源不足"),
    "could_not_contact": _l("联系不上本人"),
    "no_longer_needed": _l("已不再需要"),
    "referred": _l("已转介其他部门"),
    "booked": _l("已报名相关活动"),
}

# The steps in a need's history.
NEED_ACTIONS = {
    "create": _l("提交需求"),
    "assign": _l("分派给工会"),
    "respond": _l("工会答复"),
    "resolve": _l("办结"),
    "feedback": _l("职工评价"),
    "withdraw": _l("职工撤回"),
    "merge": _l("合并为重复需求"),
    "merged_in": _l("合并了一条重复需求"),
    "booked": _l("报名了相关活动"),
    "booking_cancelled": _l("取消了报名"),
    "escalate": _l("逾期，转上级工会"),
    "take": _l("认领"),
}

SATISFACTION = {"satisfied": _l("满意"), "not_satisfied": _l("不满意")}

ROLES = {"worker": _l("职工"), "staff": _l("工会工作人员"), "admin": _l("管理员")}

NOTIFICATION_TYPES = {
    "offer.matches_need": _l("需求有回应"),
    "booking.confirmed": _l("报名成功"),
    "booking.waitlisted": _l("候补"),
    "session.waitlisted": _l("未中签，候补"),
    "booking.promoted": _l("候补成功"),
    "booking.offered": _l("中签"),
    "booking.offer_expiring": _l("中签待确认"),
    "session.reminder": _l("活动提醒"),
    "need.assigned": _l("需求受理"),
    "need.responded": _l("需求答复"),
    "need.resolved": _l("需求办结"),
    "need.reopened": _l("需求重新打开"),
    "need.escalated": _l("逾期上报"),
}

CHANNELS = {"sms": _l("短信"), "wechat": _l("微信")}

DELIVERY_STATUSES = {
    "pending": _l("待发送"),
    "held": _l("夜间暂缓"),
    "sending": _l("发送中"),
    "sent": _l("已发送"),
    "failed": _l("发送失败"),
    "skipped": _l("未发送"),
}


def label(table: dict, code) -> str:
    return str(table.get(code, code or ""))


TABLES = {"kind": OFFER_KINDS, "category": NEED_CATEGORIES, "district": DISTRICTS,
          "worker_category": WORKER_CATEGORIES, "booking_status": BOOKING_STATUSES,
          "need_status": NEED_STATUSES, "role": ROLES, "outcome": OUTCOMES, "need_action": NEED_ACTIONS,
          "satisfaction": SATISFACTION, "notification_type": NOTIFICATION_TYPES,
          "channel": CHANNELS, "delivery_status": DELIVERY_STATUSES}
