"""A worker's channels: SMS and WeChat each on or off (the inbox is always on), and where they go
(a mainland mobile number, a WeChat openid). The number is personal data: shown back masked, never
logged. A worker without a row has both on and no address, so nothing leaves the inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from shared.auth import Principal
from shared.errors import Forbidden
from shared.sms import mask_phone, normalise_phone

from .models import Preference

UNSET = object()


def _own(principal: Principal) -> str:
    if not principal.is_worker:
        raise Forbidden("Preferences are a worker's own.")
    return principal.sub


def read(session: Session, principal: Principal) -> dict:
    return shown(session.get(Preference, _own(principal)))


def shown(pref: Preference | None) -> dict:
    if pref is None:
        return {"sms": True, "wechat": True, "phone": None, "wechat_linked": False}
    return {"sms": pref.sms, "wechat": pref.wechat, "phone": mask_phone(pref.phone) if pref.phone else None,
            "wechat_linked": bool(pref.wechat_openid)}


def save(session: Session, principal: Principal, data: dict, now: datetime) -> dict:
    """PUT: sms and wechat as given; phone / wechat_openid changed when given (null removes them)."""
    worker_id = _own(principal)
    pref = session.get(Preference, worker_id, with_for_update=True)
    if pref is None:
        pref = Preference(worker_id=worker_id, phone=None, wechat_openid=None)
        session.add(pref)
    pref.sms, pref.wechat, pref.updated_at = data["sms"], data["wechat"], now
    if "phone" in data:
        pref.phone = normalise_phone(data["phone"]) if data["phone"] is not None else None
    if "wechat_openid" in data:
        pref.wechat_openid = data["wechat_openid"]
    session.flush()
    return shown(pref)
