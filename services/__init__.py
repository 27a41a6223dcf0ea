"""The three services: catalog, matching, booking; and the all-in-one runtime."""
