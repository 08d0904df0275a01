DROP TABLE attempts;
DROP TABLE mailing_clients;
DROP TABLE mailings;
DROP TABLE messages;
DROP TABLE clients;
DROP TABLE users;
