"""Generated workers and needs, shaped like the campaign (DOMAIN.md).

Deterministic for a seed. Used by the demo (a few hundred workers) and by the
benchmark (campaign size: 10,000+ workers, 32,659 needs).
"""
from __future__ import annotations

import random
from datetime import date, timedelta

import opencc

from shared.vocab import DISTRICTS

WORKER_MIX = {  # share of the young workers interviewed
    "frontline_worker": 30, "ride_hailing_driver": 12, "delivery_rider": 12, "courier": 8, "live_streamer": 3,
    "truck_driver": 5, "boat_crew": 3, "outdoor_worker": 7, "model_worker": 3, "office_worker": 15, "other": 2,
}

NEED_PHRASES = {
    "health_checkup": ["免费体检", "做个全面体检", "检查一下身体", "颈椎腰椎检查", "职业健康检查", "组织医生来义诊"],
    "rest_recuperation": ["疗休养名额", "两天一晚的短途休养", "出去走走放松一下", "组织职工去疗养", "带薪休养"],
    "skills_learning": ["免费夜校", "提升学历", "考电工证的培训", "学一门新技术", "技能培训班", "学短视频剪辑"],
    "housing": ["申请人才公寓", "!房租太贵", "职工优惠购房", "!宿舍条件太差", "公租房名额"],
    "childcare": ["!孩子放学没人接", "三点半课堂", "!暑假孩子没人照看", "子女托管", "!孩子的晚饭没着落"],
    "wages_benefits": ["涨工资", "高温补贴", "!餐补太少", "!福利待遇差", "年终奖"],
    "labour_rights": ["!公司不签劳动合同", "!平台不交社保", "!加班没有加班费", "!工资被拖欠", "!工伤认定难"],
    "culture_sports": ["羽毛球比赛", "下班后健身的地方", "文艺演出", "职工书屋", "篮球场"],
    "dating_social": ["单身青年联谊", "多认识一些朋友", "婚恋交友活动", "老乡聚会"],
    "mental_health": ["心理咨询", "!压力太大睡不着", "心理疏导", "!经常焦虑失眠"],
    "commuting_charging": ["!充电桩太少", "上下班班车", "!电动车充电不方便", "!停车位太少"],
    "other": ["快递代收点", "免费理发", "宿舍洗衣房", "热饭的微波炉"],
}
NEED_MIX = {"health_checkup": 16, "rest_recuperation": 10, "skills_learning": 12, "housing": 12, "childcare": 10,
            "wages_benefits": 10, "labour_rights": 6, "culture_sports": 7, "dating_social": 6, "mental_health": 5,
            "commuting_charging": 4, "other": 2}
OPENERS = ["希望", "想要", "能不能有", "建议工会提供", "我们很需要", "盼望", "", "请问有没有"]
CLOSERS = ["", "。", "，谢谢", "！", "，希望工会帮忙"]
INTERVIEW_POINTS = ["星湖街职工服务站", "相城物流园司机之家", "姑苏区工人文化宫", "吴江运河船员驿站", "昆山周市镇服务点",
                    "园区宿舍区服务站", "吴中东山服务点"]


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def workers(n: int, seed: int = 7, prefix: str = "w", today: date | None = None) -> list[dict]:
    rng = random.Random(seed)
    today = today or date.today()
    out = []
    for i in range(1, n + 1):
        age = rng.choice(range(19, 46))  # a few over 40: the limits of "young" show up
        born = today - timedelta(days=age * 365 + rng.randrange(365))
        category = _pick(rng, WORKER_MIX)
        kids = [today.year - rng.randrange(2, 12)] if age > 27 and rng.random() < 0.45 else []
        out.append({"worker_id": f"{prefix}{i:05d}", "birth_date": born, "district": rng.choice(list(DISTRICTS)),
                    "worker_category": category, "union_member": rng.random() < 0.7,
                    "employer": "", "children_birth_years": kids})
    return out


def need_texts(n: int, seed: int = 11) -> list[tuple[str, str]]:
    """(text, category) pairs; about one in six in Traditional characters."""
    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    out = []
    for _ in range(n):
        category = _pick(rng, NEED_MIX)
        phrase = rng.choice(NEED_PHRASES[category])
        # "!" marks a complaint, which stands alone; a wish takes an opener ("希望...").
        text = (phrase[1:] if phrase.startswith("!") else rng.choice(OPENERS) + phrase) + rng.choice(CLOSERS)
        out.append((s2t.convert(text) if rng.random() < 0.17 else text, category))
    return out


def needs_for(worker_ids: list[str], count: int, seed: int = 13, source: str = "online") -> list[dict]:
    """`count` needs spread over the workers (some workers say more than one thing)."""
    rng = random.Random(seed)
    texts = need_texts(count, seed + 1)
    rows = []
    for text, _category in texts:
        rows.append({"worker_id": rng.choice(worker_ids), "text": text, "source": source,
                     "interview_point": rng.choice(INTERVIEW_POINTS) if source == "interview" else None})
    return rows
