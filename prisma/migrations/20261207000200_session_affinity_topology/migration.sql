-- What topology-aware routing and session affinity need (stored only; the analyses use them later).
-- Service: spec.sessionAffinity, spec.sessionAffinityConfig.clientIP.timeoutSeconds and
-- spec.trafficDistribution. No new table: the tables' row-level security (init) covers the columns.

-- CreateEnum
CREATE TYPE "SessionAffinity" AS ENUM ('None', 'ClientIP');

-- AlterTable
ALTER TABLE "services" ADD COLUMN     "session_affinity" "SessionAffinity" NOT NULL DEFAULT 'None',
ADD COLUMN     "session_affinity_timeout_seconds" INTEGER,
ADD COLUMN     "traffic_distribution" TEXT;

-- EndpointSlice endpoints (jsonb) gain `zone` and `hints` ({forZones, forNodes}): every stored
-- endpoint carries both keys (null: the slice did not say), as the import now writes them, so the
-- model read from a row always has them. Row-level security is forced on the table even for its
-- owner; it is lifted for this one statement only (as in 20261207000100).
ALTER TABLE "endpoint_slices" NO FORCE ROW LEVEL SECURITY;
UPDATE "endpoint_slices" s SET "endpoints" = (
    SELECT jsonb_agg(jsonb_build_object('zone', NULL, 'hints', NULL) || e.value ORDER BY e.ordinality)
      FROM jsonb_array_elements(s."endpoints") WITH ORDINALITY AS e(value, ordinality))
  WHERE jsonb_typeof(s."endpoints") = 'array' AND jsonb_array_length(s."endpoints") > 0;
ALTER TABLE "endpoint_slices" FORCE ROW LEVEL SECURITY;
