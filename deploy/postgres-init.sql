CREATE DATABASE unionhub_catalog;
CREATE DATABASE unionhub_matching;
CREATE DATABASE unionhub_booking;
CREATE DATABASE unionhub_accounts;
CREATE DATABASE unionhub_notify;
