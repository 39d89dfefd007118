-- A finished (Succeeded or Failed) pod holds no address (src/modules/pods/pod-rules.ts): its IP is
-- released and often reused at once. Pods written over REST before that rule still hold claims:
-- give them back, so a later snapshot that reuses such an IP is not refused. Row-level security
-- is forced on these tables even for their owner; it is lifted for this one statement only.
ALTER TABLE "address_claims" NO FORCE ROW LEVEL SECURITY;
ALTER TABLE "pods" NO FORCE ROW LEVEL SECURITY;
DELETE FROM "address_claims" c USING "pods" p
  WHERE c.tenant_id = p.tenant_id AND c.owner_id = p.id AND c.owner_kind = 'pod' AND p.phase IN ('Succeeded', 'Failed');
ALTER TABLE "address_claims" FORCE ROW LEVEL SECURITY;
ALTER TABLE "pods" FORCE ROW LEVEL SECURITY;
