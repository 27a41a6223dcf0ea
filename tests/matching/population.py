"""A small population whose right answers are known (see each worker's comment)."""
from tests.factories import birth_for_age, iso, make_need, make_offer, make_profile, union_tree


def build(client, admin, pump, needs_first=False):
    tree = union_tree(client, admin)
    w = {}

    def profiles_and_needs():
        # w1: ride-hailing 30, sip, member: health -> A; housing -> B; mental -> nothing offers it
        make_profile(client, admin, "w1", birth_date=birth_for_age(30))
        w["w1_health"] = make_need(client, admin, "w1", "想要免费体检，开车腰不好")
        w["w1_housing"] = make_need(client, admin, "w1", "房租太贵了，想申请公寓")
        w["w1_mental"] = make_need(client, admin, "w1", "压力大，经常失眠")
        # w2: delivery rider 41: too old for A
        make_profile(client, admin, "w2", worker_category="delivery_rider", birth_date=birth_for_age(41))
        make_need(client, admin, "w2", "想体检")
        # w3: courier, 40 today: A's max_age 40 is inclusive
        make_profile(client, admin, "w3", worker_category="courier", birth_date=birth_for_age(40, 0))
        make_need(client, admin, "w3", "希望有免费体检")
        # w4: frontline worker: not new employment, so not A
        make_profile(client, admin, "w4", worker_category="frontline_worker")
        make_need(client, admin, "w4", "想做个身体检查")
        # w5: courier who wants a rest trip: the only rest trip is closed
        make_profile(client, admin, "w5", worker_category="courier")
        make_need(client, admin, "w5", "想参加疗休养")
        # w7: no profile: nothing can be decided for him
        make_need(client, admin, "w7", "想体检")
        # w8: truck driver 22 in gusu, two health needs (counted once), housing outside B's district
        make_profile(client, admin, "w8", worker_category="truck_driver", district="gusu", birth_date=birth_for_age(22))
        make_need(client, admin, "w8", "体检")
        make_need(client, admin, "w8", "腰椎不好想检查")
        make_need(client, admin, "w8", "想在这边买房")
        # w9: office worker in sip, not a member: B is members only
        make_profile(client, admin, "w9", worker_category="office_worker", union_member=False)
        make_need(client, admin, "w9", "房租太贵")

    def offers():
        w["A"] = make_offer(client, admin, tree["sip"]["id"], title="网约车司机免费体检", description="免费体检，腰椎颈椎检查",
                            eligibility={"max_age": 40, "worker_categories": ["new_employment"]},
                            sessions=[{"starts_at": iso(2), "ends_at": iso(2, 3), "capacity": 6},
                                      {"starts_at": iso(9), "ends_at": iso(9, 3), "capacity": 4}])
        w["B"] = make_offer(client, admin, tree["city"]["id"], kind="talent_apartment", title="园区人才公寓",
                            description="租金优惠的青年公寓", eligibility={"districts": ["sip"], "members_only": True},
                            sessions=[{"starts_at": iso(20), "ends_at": iso(20, 5), "capacity": 50}])
        rest = make_offer(client, admin, tree["sip"]["id"], kind="rest_trip", title="太湖疗休养")
        client.post(f"/catalog/offers/{rest['id']}/close", token=admin)
        w["rest"] = rest

    if needs_first:
        profiles_and_needs()
        offers()
    else:
        offers()
        pump()
        profiles_and_needs()
    pump()
    w["tree"] = tree
    return w
