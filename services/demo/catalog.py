"""Demo unions and offers: the Suzhou federation, districts, enterprises, 15 offers (the talent apartments by
ballot)."""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from shared.auth import Principal
from shared.config import ServiceConfig
from shared.db import Database
from shared.timeutil import LOCAL_TZ, local_today

from services.catalog import offers as offer_rules
from services.catalog import unions as union_rules
from services.catalog.models import Offer, Union

log = logging.getLogger("unionhub.demo")

ADMIN = Principal(sub="demo-loader", role="admin")

UNIONS = [  # id, name, district, parent
    ("u-suzhou", "苏州市总工会", "gusu", None),
    ("u-gusu", "姑苏区总工会", "gusu", "u-suzhou"),
    ("u-sip", "苏州工业园区总工会", "sip", "u-suzhou"),
    ("u-xiangcheng", "相城区总工会", "xiangcheng", "u-suzhou"),
    ("u-wuzhong", "吴中区总工会", "wuzhong", "u-suzhou"),
    ("u-wujiang", "吴江区总工会", "wujiang", "u-suzhou"),
    ("u-kunshan", "昆山市总工会", "kunshan", "u-suzhou"),
    ("u-sip-xietang", "斜塘街道总工会", "sip", "u-sip"),
    ("u-didi", "网约车平台苏州分公司工会", "sip", "u-sip-xietang"),
    ("u-bank", "银行苏州分行工会", "gusu", "u-gusu"),
    ("u-logistics", "相城物流园联合工会", "xiangcheng", "u-xiangcheng"),
    ("u-boat", "吴江内河船员工会服务站", "wujiang", "u-wujiang"),
]

NEW_EMPLOYMENT = {"worker_categories": ["new_employment"]}


def _sessions(first_day: int, count: int, every: int, start: time, hours: float, capacity: int, oid: str):
    today = local_today()
    out = []
    for i in range(count):
        day = today + timedelta(days=first_day + i * every)
        starts = datetime.combine(day, start, tzinfo=LOCAL_TZ)
        out.append({"id": f"{oid}-s{i + 1}", "starts_at": starts, "ends_at": starts + timedelta(hours=hours),
                    "capacity": capacity})
    return out


def _ballot(days_open: int, days_close: int, priority: list[str], quotas: list[dict]) -> dict:
    """A ballot whose application window opens and closes at 09:00 so many days from today."""
    today = local_today()
    at = lambda days: datetime.combine(today + timedelta(days=days), time(9, 0), tzinfo=LOCAL_TZ)  # noqa: E731
    return {"mode": "ballot", "applications_open_at": at(days_open), "applications_close_at": at(days_close),
            "accept_within_hours": 48, "priority_worker_categories": priority, "quotas": quotas}


def _offer(oid, union, kind, title, description, district, address, sessions, *, categories=None,
           eligibility=None, limit=None, waitlist=True, publish=True, allocation=None):
    elig = {"min_age": None, "max_age": None, "worker_categories": [], "districts": [], "members_only": False}
    elig.update(eligibility or {})
    data = {"union_id": union, "kind": kind, "title": title, "description": description, "categories": categories,
            "district": district, "address": address, "eligibility": elig, "per_worker_limit": limit,
            "waitlist": waitlist, "sessions": sessions(oid)}
    if allocation is not None:  # scarce places by ballot (the window is relative to today, as sessions are)
        data["allocation"] = allocation()
    return dict(id=oid, publish=publish, data=data)


OFFERS = [
    _offer("demo-checkup-didi", "u-didi", "health_checkup", "网约车司机免费健康体检",
           "司机长时间久坐开车，职业健康风险多。工会为本平台司机提供免费体检，每三年一次，覆盖2000名司机。",
           "sip", "苏州工业园区星湖街体检中心", lambda o: _sessions(5, 4, 7, time(8, 30), 4, 250, o),
           eligibility={"max_age": 40, **NEW_EMPLOYMENT}, limit={"count": 1, "period_days": 1095}),
    _offer("demo-checkup-riders", "u-gusu", "health_checkup", "外卖骑手、快递小哥职业健康体检日",
           "针对新就业形态劳动者的颈椎、腰椎、视力和心电图检查，免费，当天出报告。", "gusu",
           "姑苏区职工服务中心二楼", lambda o: _sessions(3, 3, 10, time(9, 0), 3, 120, o),
           eligibility=NEW_EMPLOYMENT, limit={"count": 1, "period_days": 365}),
    _offer("demo-checkup-boat", "u-boat", "health_checkup", "船员驿站免费义诊",
           "内河船员驿站每月义诊：量血压、测血糖、中医推拿，另有免费理发和快递柜。", "wujiang",
           "吴江区运河船员驿站", lambda o: _sessions(2, 4, 14, time(9, 0), 6, 60, o),
           eligibility={"worker_categories": ["boat_crew"]}),
    _offer("demo-rest-taihu", "u-wuzhong", "rest_trip", "太湖两天一晚疗休养（含免费体检）",
           "为一线职工安排两天一晚短途疗休养，时间灵活，可避开出车高峰，并附送一次免费体检。", "wuzhong",
           "吴中区东山职工疗休养基地", lambda o: _sessions(9, 3, 7, time(9, 0), 30, 40, o),
           categories=["rest_recuperation", "health_checkup"], eligibility={"max_age": 40, "members_only": True},
           limit={"count": 1, "period_days": 365}),
    _offer("demo-rest-yangcheng", "u-xiangcheng", "rest_trip", "阳澄湖职工疗休养",
           "两天一晚，湖边休整、健步走和心理减压小组活动。", "xiangcheng", "相城区阳澄湖半岛职工之家",
           lambda o: _sessions(12, 2, 14, time(8, 0), 32, 35, o), limit={"count": 1, "period_days": 365}),
    _offer("demo-rest-trucks", "u-logistics", "rest_trip", "货车司机短途休养营",
           "物流园货车司机两天一晚休养，按司机排班灵活出发，含车辆安全检查。", "xiangcheng",
           "相城物流园司机之家", lambda o: _sessions(6, 3, 10, time(10, 0), 28, 30, o),
           eligibility={"worker_categories": ["truck_driver"]}, waitlist=False),
    _offer("demo-class-storage", "u-sip", "night_class", "整理收纳夜校",
           "免费晚间课程：宿舍和出租屋的整理收纳技巧，每月两期。", "sip", "园区职工学校301教室",
           lambda o: _sessions(4, 4, 14, time(19, 0), 2, 40, o)),
    _offer("demo-class-stress", "u-gusu", "night_class", "减压与情绪管理夜校",
           "心理咨询师带领的减压课程：睡眠、焦虑和压力管理。", "gusu", "姑苏区工人文化宫",
           lambda o: _sessions(3, 4, 7, time(19, 0), 2, 30, o), categories=["skills_learning", "mental_health"]),
    _offer("demo-class-fan", "u-kunshan", "night_class", "扇面画创作夜校",
           "在镇级课堂学扇面画，职工不必进城。", "kunshan", "昆山市周市镇职工课堂",
           lambda o: _sessions(5, 4, 14, time(19, 0), 2, 25, o), categories=["skills_learning", "culture_sports"]),
    _offer("demo-class-electrician", "u-xiangcheng", "night_class", "电工证考前培训夜校",
           "低压电工作业证考前培训，理论加实操，工会会员免费。", "xiangcheng", "相城区职业技能实训基地",
           lambda o: _sessions(7, 6, 7, time(18, 30), 2.5, 50, o), eligibility={"members_only": True}),
    _offer("demo-housing-sip", "u-sip", "talent_apartment", "园区青年人才公寓申请",
           "面向40岁及以下青年职工的人才公寓，租金低于市场价，公布条件、流程和房源位置。", "sip",
           "苏州工业园区人才公寓服务中心", lambda o: _sessions(14, 2, 30, time(9, 0), 8, 80, o),
           eligibility={"max_age": 40, "districts": ["sip"]}, limit={"count": 1, "period_days": 365},
           allocation=lambda: _ballot(days_open=-1, days_close=10, priority=["new_employment"],
                                      quotas=[{"worker_categories": ["new_employment"], "share": 0.3}])),
    _offer("demo-housing-kunshan", "u-kunshan", "talent_apartment", "昆山职工优惠购房专场",
           "职工购房优惠和安居房源介绍，现场登记。", "kunshan", "昆山市职工服务中心",
           lambda o: _sessions(10, 1, 1, time(9, 30), 6, 150, o), eligibility={"members_only": True}),
    _offer("demo-kids-330", "u-gusu", "after_school_class", "三点半课堂（含晚餐）",
           "双职工家庭子女放学后托管：作业辅导、兴趣课和免费晚餐，按学期报名。", "gusu",
           "姑苏区职工子女托管点", lambda o: _sessions(7, 1, 1, time(15, 30), 24 * 100, 60, o)),
    _offer("demo-kids-openday", "u-bank", "after_school_class", "亲子开放日：走进爸爸妈妈的单位",
           "带孩子参观父母工作的地方，亲子手工和职业体验。", "gusu", "银行苏州分行营业部",
           lambda o: _sessions(11, 2, 14, time(14, 0), 3, 30, o)),
    _offer("demo-class-livestream", "u-sip-xietang", "night_class", "直播带货技能夜校（筹备中）",
           "为网络主播和想转型的职工开设直播技能课，课程安排确定后发布。", "sip", "斜塘街道职工服务站",
           lambda o: _sessions(20, 3, 7, time(19, 0), 2, 30, o), publish=False),
]


def load(config: ServiceConfig) -> None:
    db = Database(config.database_url)
    created_unions = created_offers = 0
    with db.transaction() as session:
        for uid, name, district, parent in UNIONS:
            if session.get(Union, uid) is None:
                union_rules.create_union(session, {"name": name, "district": district, "parent_id": parent}, uid)
                created_unions += 1
        for spec in OFFERS:
            if session.get(Offer, spec["id"]) is not None:
                continue
            offer_rules.create_offer(session, ADMIN, spec["data"], offer_id=spec["id"])
            if spec["publish"]:
                offer_rules.publish(session, ADMIN, spec["id"])
            created_offers += 1
    db.dispose()
    log.info("demo catalog: %d union(s) and %d offer(s) added", created_unions, created_offers)
