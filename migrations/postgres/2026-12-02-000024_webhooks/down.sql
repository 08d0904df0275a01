DROP TABLE webhook_subscriptions;
DROP TABLE webhooks;
