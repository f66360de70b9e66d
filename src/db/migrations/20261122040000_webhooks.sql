-- Outgoing webhooks: endpoints are removed softly (their deliveries keep their history),
-- deliveries carry a lease so that several processes can send without sending one twice, and
-- new events wake the webhook workers through NOTIFY instead of waiting for the next poll.

ALTER TABLE webhook_endpoints
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN deleted_at timestamptz;

-- `lease_id` names the claim that holds the delivery until `locked_until`; a worker records an
-- outcome only while its lease is still the delivery's.
ALTER TABLE webhook_deliveries
  ADD COLUMN lease_id   text,
  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);

-- One notification per inserting statement, sent at commit, and only when some endpoint could
-- want the event (NOTIFY serialises committing transactions; with no endpoints it costs nothing).
CREATE FUNCTION kessai_notify_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND deleted_at IS NULL) THEN
    PERFORM pg_notify('kessai_webhooks', '');
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER events_notify_webhooks AFTER INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION kessai_notify_webhooks();
