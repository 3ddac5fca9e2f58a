-- Vaccine supply chain (module vaccination): lots, stores at every level, an append-only stock ledger, shipments
-- between stores and per-store balances derived from the ledger. Vaccine codes are checked against the versioned
-- catalog in the application (packages/domain/src/vaccination/catalog.ts); the catalog is not copied here.

CREATE TABLE vaccine_lots (
  id uuid PRIMARY KEY,
  vaccine_code text NOT NULL CHECK (vaccine_code ~ '^[a-z0-9_]{1,40}$'),
  lot_number text NOT NULL CHECK (length(lot_number) BETWEEN 1 AND 60),
  expiry_date date NOT NULL,
  doses_per_vial integer NOT NULL CHECK (doses_per_vial BETWEEN 1 AND 100),
  recalled_at timestamptz,
  recall_reason text CHECK (length(recall_reason) <= 1000),
  recalled_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id),
  CHECK ((recalled_at IS NULL) = (recall_reason IS NULL)),
  UNIQUE (vaccine_code, lot_number)
);

-- A store (cold store, warehouse, site fridge) at one level of the supply chain. area_path is the area's path,
-- copied so jurisdiction is one indexed ltree test.
CREATE TABLE vaccine_stores (
  id uuid PRIMARY KEY,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  level text NOT NULL CHECK (level IN ('national', 'province', 'commune', 'site')),
  area_code text NOT NULL REFERENCES areas (code),
  area_path ltree NOT NULL,
  parent_store_id uuid REFERENCES vaccine_stores (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES users (id)
);
CREATE INDEX vaccine_stores_area ON vaccine_stores USING gist (area_path);

-- Doses on the road between two stores: on hand at neither end until the receiver confirms.
CREATE TABLE shipments (
  id uuid PRIMARY KEY,
  from_store_id uuid NOT NULL REFERENCES vaccine_stores (id),
  to_store_id uuid NOT NULL REFERENCES vaccine_stores (id),
  lot_id uuid NOT NULL REFERENCES vaccine_lots (id),
  doses integer NOT NULL CHECK (doses > 0),
  status text NOT NULL DEFAULT 'in_transit' CHECK (status IN ('in_transit', 'received', 'cancelled')),
  shipped_at timestamptz NOT NULL,
  shipped_by uuid REFERENCES users (id),
  received_at timestamptz,
  received_by uuid REFERENCES users (id),
  CHECK (from_store_id <> to_store_id),
  CHECK ((status = 'received') = (received_at IS NOT NULL))
);
CREATE INDEX shipments_to_in_transit ON shipments (to_store_id, lot_id) WHERE status = 'in_transit';
CREATE INDEX shipments_lot ON shipments (lot_id);

-- The ledger. Append-only (a trigger refuses UPDATE and DELETE); doses are signed: + into the store, - out of it.
-- client_id is the caller's idempotency key, unique per store. balance_after is the store's on-hand doses of the
-- lot just after the event (written under the balance row lock).
CREATE TABLE stock_events (
  id uuid PRIMARY KEY,
  store_id uuid NOT NULL REFERENCES vaccine_stores (id),
  lot_id uuid NOT NULL REFERENCES vaccine_lots (id),
  kind text NOT NULL CHECK (kind IN ('receive', 'ship_out', 'ship_in', 'issue', 'return', 'discard', 'adjust')),
  doses integer NOT NULL,
  balance_after integer NOT NULL CHECK (balance_after >= 0),
  discard_reason text CHECK (discard_reason IN ('opened_vial', 'closed_vial', 'expired', 'cold_chain', 'damaged')),
  shipment_id uuid REFERENCES shipments (id),
  session_ref text CHECK (length(session_ref) <= 200),
  client_id text CHECK (length(client_id) BETWEEN 1 AND 100),
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  recorded_by uuid REFERENCES users (id),
  note text CHECK (length(note) <= 1000),
  CHECK ((kind = 'discard') = (discard_reason IS NOT NULL)),
  CHECK ((kind IN ('ship_out', 'ship_in')) = (shipment_id IS NOT NULL)),
  CHECK (CASE
    WHEN kind IN ('receive', 'ship_in', 'return') THEN doses > 0
    WHEN kind IN ('ship_out', 'issue', 'discard') THEN doses < 0
    ELSE true
  END),
  UNIQUE (store_id, client_id)
);
CREATE INDEX stock_events_store_lot ON stock_events (store_id, lot_id, recorded_at);
CREATE INDEX stock_events_lot ON stock_events (lot_id);
CREATE UNIQUE INDEX stock_events_one_ship_in ON stock_events (shipment_id) WHERE kind = 'ship_in';

CREATE FUNCTION stock_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'stock_events is append-only' USING ERRCODE = '0A000';
END;
$$;
CREATE TRIGGER stock_events_no_change BEFORE UPDATE OR DELETE ON stock_events
  FOR EACH ROW EXECUTE FUNCTION stock_events_append_only();

-- On-hand doses per store and lot, kept in the same transaction as each event (never typed in) and never negative.
CREATE TABLE stock_balances (
  store_id uuid NOT NULL REFERENCES vaccine_stores (id),
  lot_id uuid NOT NULL REFERENCES vaccine_lots (id),
  doses_on_hand integer NOT NULL DEFAULT 0 CHECK (doses_on_hand >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (store_id, lot_id)
);
CREATE INDEX stock_balances_lot ON stock_balances (lot_id);
