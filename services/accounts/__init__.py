"""Accounts: staff and admin sign-in by password, worker sign-in by a code sent to a mobile number."""
