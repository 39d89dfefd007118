-- Fields whose value is not known: an imported dump redacted them (support bundles write
-- ***HIDDEN***). The object is stored without the value; the analyses answer UNKNOWN where they
-- need it. By the API names of the fields (ips, internalIps, clusterIps, endpoints, ...).
ALTER TABLE "nodes" ADD COLUMN "unknown_fields" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "pods" ADD COLUMN "unknown_fields" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "services" ADD COLUMN "unknown_fields" TEXT[] DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "endpoint_slices" ADD COLUMN "unknown_fields" TEXT[] DEFAULT ARRAY[]::TEXT[];
