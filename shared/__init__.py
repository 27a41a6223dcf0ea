"""Code every service needs: config, database, auth, errors, API base, events.

Also the few pure domain pieces two services must agree on: the vocabularies
and the eligibility rule.
"""
