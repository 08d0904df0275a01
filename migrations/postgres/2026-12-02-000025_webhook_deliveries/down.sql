ALTER TABLE webhooks DROP COLUMN failing_since;
DROP TABLE webhook_delivery_tries;
DROP TABLE webhook_deliveries;
