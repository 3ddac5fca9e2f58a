-- Issue 5 follow-ups: where a venue stands, and messages addressed to a team rather than a person.
--
-- Venues may carry a point (WGS 84 degrees) so the tracer's map draws them where they are instead of at their
-- province. Both or neither; the box is Viet Nam's with its islands (the shipped province boundaries span
-- 7.18-23.39 N, 102.14-117.83 E), the same bounds the use cases check (packages/domain, VIETNAM_BOUNDS).
ALTER TABLE venues ADD COLUMN latitude double precision, ADD COLUMN longitude double precision;
ALTER TABLE venues ADD CONSTRAINT venues_point_in_vietnam CHECK (
  (latitude IS NULL AND longitude IS NULL)
  OR (latitude BETWEEN 7 AND 23.5 AND longitude BETWEEN 102 AND 118)
);

-- A declaration alert notifies the tracing team of the person's commune: one outbox message per alert, addressed
-- to the team (team + the commune's path) rather than to a person. A message has exactly one kind of recipient.
ALTER TABLE notification_outbox ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE notification_outbox ADD COLUMN team text CHECK (team IN ('tracing')), ADD COLUMN team_area_path ltree;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_one_recipient CHECK (
  (person_id IS NOT NULL AND team IS NULL AND team_area_path IS NULL)
  OR (person_id IS NULL AND team IS NOT NULL AND team_area_path IS NOT NULL)
);
-- A team's messages by area (a team inbox reads its subtree).
CREATE INDEX notification_outbox_team ON notification_outbox USING gist (team_area_path) WHERE team IS NOT NULL;
