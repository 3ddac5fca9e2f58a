-- The dose write path in batches (record-dose.ts): concurrent dose requests share one call to read their contexts
-- and one call to store doses and audit rows, so a busy server pays one round trip and one commit for many doses.
-- And a session's doses of a lot are bounded by what was issued to it.

-- As in 0011, with 'stock' bounded: when vials of the lot were issued to the session, the doses it may still give
-- are issued - returned for that session (what is discarded was returned to the store first: the ledger holds store
-- balances), less the doses already given there from the lot; otherwise
-- (a session drawing straight on the site store, or a dose outside a session) the store must have doses on hand.
CREATE OR REPLACE FUNCTION sen_dose_context(p_dose uuid, p_person uuid, p_session uuid, p_site uuid, p_lot uuid, p_screening uuid, p_day date)
  RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_issued integer;
  v_left integer;
BEGIN
  IF p_session IS NOT NULL THEN
    SELECT -sum(e.doses) FILTER (WHERE e.kind = 'issue'), -sum(e.doses) INTO v_issued, v_left
      FROM stock_events e
     WHERE e.lot_id = p_lot AND e.session_ref = p_session::text AND e.kind IN ('issue', 'return')
       AND e.store_id = (SELECT v.store_id FROM vaccination_sites v JOIN vaccination_sessions s ON s.site_id = v.id WHERE s.id = p_session);
    IF v_issued > 0 THEN
      v_left := v_left - (SELECT count(*) FROM doses d WHERE d.session_id = p_session AND d.lot_id = p_lot AND d.review_status <> 'rejected' AND d.id <> p_dose);
    END IF;
  END IF;
  RETURN (
    WITH ses AS (SELECT s.id, s.site_id, s.status, s.products, s.area_path::text AS area_path, s.closed_at FROM vaccination_sessions s WHERE s.id = p_session),
    st AS (SELECT v.id, v.area_path::text AS area_path, v.store_id, v.active FROM vaccination_sites v WHERE v.id = coalesce((SELECT ses.site_id FROM ses), p_site))
    SELECT json_build_object(
      'session', (SELECT row_to_json(ses) FROM ses),
      'site', (SELECT row_to_json(st) FROM st),
      'lot', (SELECT row_to_json(l) FROM (SELECT id, vaccine_code, lot_number, expiry_date::text AS expiry_date, recalled_at FROM vaccine_lots WHERE id = p_lot) l),
      'person', (SELECT row_to_json(p) FROM (SELECT id, birth_date, merged_into, area_path::text AS area_path FROM people WHERE id = p_person) p),
      'history', (SELECT coalesce(json_agg(json_build_object('at', d.administered_at, 'vaccine', d.vaccine_code, 'n', d.dose_number, 'c', d.component) ORDER BY d.administered_at), '[]'::json)
                  FROM doses d WHERE d.person_id = p_person AND d.review_status <> 'rejected' AND d.id <> p_dose),
      'existing', (SELECT row_to_json(e) FROM doses e WHERE e.id = p_dose),
      'screening', (CASE WHEN p_screening IS NOT NULL
                      THEN (SELECT row_to_json(s) FROM (SELECT id, person_id, outcome FROM screenings WHERE id = p_screening) s)
                      ELSE (SELECT row_to_json(s) FROM (SELECT id, person_id, outcome FROM screenings WHERE person_id = p_person
                              AND screened_at >= sen_vn_day_start(p_day) AND screened_at < sen_vn_day_start(p_day + 1) ORDER BY screened_at DESC LIMIT 1) s)
                    END),
      'issued', coalesce(v_issued, 0),
      'stock', CASE WHEN v_issued > 0 THEN v_left > 0
                    ELSE EXISTS (SELECT 1 FROM stock_balances b WHERE b.store_id = (SELECT st.store_id FROM st) AND b.lot_id = p_lot AND b.doses_on_hand > 0) END)
  );
END;
$$;

-- The contexts of several doses in one call, in the order given: p_items is a JSON array of objects with the
-- arguments of sen_dose_context (dose, person, session, site, lot, screening, day).
CREATE FUNCTION sen_dose_contexts(p_items json) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (
    SELECT json_agg(sen_dose_context((i->>'dose')::uuid, (i->>'person')::uuid, (i->>'session')::uuid, (i->>'site')::uuid, (i->>'lot')::uuid,
                                     (i->>'screening')::uuid, (i->>'day')::date) ORDER BY n)
      FROM json_array_elements(p_items) WITH ORDINALITY AS x (i, n)
  );
END;
$$;

-- Stores several doses (a JSON array of doses rows) and their audit rows (a JSON array of audit_log rows whose
-- details carry the doseId) in one statement; returns 'id request_hash' of each dose stored (a batch may hold the
-- same id twice: a retry racing itself). A dose whose id exists, or that would be a second dose that day, is skipped
-- (ON CONFLICT DO NOTHING covers both unique indexes) and has no audit row; the caller looks at those one by one.
CREATE FUNCTION sen_insert_doses(p_doses json, p_audits json) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  v_stored text[];
BEGIN
  WITH ins AS (
    INSERT INTO doses SELECT * FROM json_populate_recordset(NULL::doses, p_doses) ON CONFLICT DO NOTHING RETURNING id, area_path, request_hash
  ), aud AS (
    INSERT INTO audit_log (id, at, actor_user_id, actor_username, action, entity_type, entity_id, area_path, ip, request_id, details)
    SELECT a.id, a.at, a.actor_user_id, a.actor_username, a.action, a.entity_type, a.entity_id, ins.area_path, a.ip, a.request_id, a.details
      FROM json_populate_recordset(NULL::audit_log, p_audits) a JOIN ins ON ins.id = (a.details->>'doseId')::uuid
  )
  SELECT coalesce(array_agg(id::text || ' ' || request_hash), '{}') INTO v_stored FROM ins;
  RETURN v_stored;
END;
$$;

-- The one-dose insert of 0011, replaced by sen_insert_doses.
DROP FUNCTION sen_insert_dose(json, json);
