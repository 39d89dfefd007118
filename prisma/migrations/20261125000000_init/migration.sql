-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ApiKeyScope" AS ENUM ('read', 'write');

-- CreateEnum
CREATE TYPE "Profile" AS ENUM ('KUBERNETES', 'CCE', 'CCE_TURBO');

-- CreateEnum
CREATE TYPE "NetworkModel" AS ENUM ('TUNNEL', 'VPC', 'CLOUD_NATIVE_2');

-- CreateEnum
CREATE TYPE "ProxyMode" AS ENUM ('IPTABLES', 'IPVS', 'NFTABLES');

-- CreateEnum
CREATE TYPE "LocalDetector" AS ENUM ('CLUSTER_CIDR', 'NODE_CIDR', 'NONE');

-- CreateEnum
CREATE TYPE "ServiceType" AS ENUM ('ClusterIP', 'NodePort', 'LoadBalancer');

-- CreateEnum
CREATE TYPE "TrafficPolicy" AS ENUM ('Cluster', 'Local');

-- CreateTable
CREATE TABLE "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scope" "ApiKeyScope" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "clusters" (
    "tenant_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "profile" "Profile" NOT NULL,
    "kubernetes_version" TEXT NOT NULL,
    "network_model" "NetworkModel" NOT NULL,
    "proxy_mode" "ProxyMode" NOT NULL,
    "cluster_cidrs" TEXT[],
    "service_cidrs" TEXT[],
    "node_port_min" INTEGER NOT NULL,
    "node_port_max" INTEGER NOT NULL,
    "masquerade_all" BOOLEAN NOT NULL,
    "local_detector" "LocalDetector" NOT NULL,
    "node_port_addresses" TEXT[],
    "localhost_node_ports" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "nodes" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "internal_ips" TEXT[],
    "external_ip" TEXT,
    "pod_cidrs" TEXT[],
    "labels" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "nodes_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "pods" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "node_name" TEXT,
    "ips" TEXT[],
    "host_network" BOOLEAN NOT NULL,
    "phase" TEXT NOT NULL,
    "ready" BOOLEAN NOT NULL,
    "terminating" BOOLEAN NOT NULL,
    "container_ports" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pods_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "services" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "ServiceType" NOT NULL,
    "selector" JSONB,
    "ports" JSONB NOT NULL DEFAULT '[]',
    "cluster_ips" TEXT[],
    "external_ips" TEXT[],
    "load_balancer_ingress" JSONB NOT NULL DEFAULT '[]',
    "load_balancer_source_ranges" TEXT[],
    "external_traffic_policy" "TrafficPolicy" NOT NULL,
    "internal_traffic_policy" "TrafficPolicy" NOT NULL,
    "health_check_node_port" INTEGER,
    "publish_not_ready_addresses" BOOLEAN NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "services_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "endpoint_slices" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "service_name" TEXT NOT NULL,
    "address_type" TEXT NOT NULL,
    "ports" JSONB NOT NULL DEFAULT '[]',
    "endpoints" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "endpoint_slices_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "address_claims" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "owner_kind" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "owner_name" TEXT NOT NULL,

    CONSTRAINT "address_claims_pkey" PRIMARY KEY ("tenant_id","cluster_id","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE UNIQUE INDEX "clusters_tenant_id_name_key" ON "clusters"("tenant_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "nodes_tenant_id_cluster_id_name_key" ON "nodes"("tenant_id", "cluster_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "pods_tenant_id_cluster_id_namespace_name_key" ON "pods"("tenant_id", "cluster_id", "namespace", "name");

-- CreateIndex
CREATE UNIQUE INDEX "services_tenant_id_cluster_id_namespace_name_key" ON "services"("tenant_id", "cluster_id", "namespace", "name");

-- CreateIndex
CREATE UNIQUE INDEX "endpoint_slices_tenant_id_cluster_id_namespace_name_key" ON "endpoint_slices"("tenant_id", "cluster_id", "namespace", "name");

-- CreateIndex
CREATE INDEX "address_claims_tenant_id_owner_id_idx" ON "address_claims"("tenant_id", "owner_id");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "clusters" ADD CONSTRAINT "clusters_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_tenant_id_cluster_id_fkey" FOREIGN KEY ("tenant_id", "cluster_id") REFERENCES "clusters"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pods" ADD CONSTRAINT "pods_tenant_id_cluster_id_fkey" FOREIGN KEY ("tenant_id", "cluster_id") REFERENCES "clusters"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "services" ADD CONSTRAINT "services_tenant_id_cluster_id_fkey" FOREIGN KEY ("tenant_id", "cluster_id") REFERENCES "clusters"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "endpoint_slices" ADD CONSTRAINT "endpoint_slices_tenant_id_cluster_id_fkey" FOREIGN KEY ("tenant_id", "cluster_id") REFERENCES "clusters"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "address_claims" ADD CONSTRAINT "address_claims_tenant_id_cluster_id_fkey" FOREIGN KEY ("tenant_id", "cluster_id") REFERENCES "clusters"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Tenant isolation in the database (hand-written; the Prisma schema language has no RLS).
-- The tenant is set per transaction: SELECT set_config('app.tenant_id', <uuid>, true).
-- NULLIF makes an unset or reset setting (an empty string after a transaction-local set) match nothing.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION svcpath_current_tenant() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tenants" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tenants"
  USING ("id" = svcpath_current_tenant()) WITH CHECK ("id" = svcpath_current_tenant());

ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "api_keys"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());
-- Authentication finds a key by its hash before the tenant is known: a request may read the one
-- key row whose hash it presents (so it must hold the key itself), and nothing else.
CREATE POLICY api_key_lookup ON "api_keys" FOR SELECT
  USING ("key_hash" = NULLIF(current_setting('app.key_hash', true), ''));

ALTER TABLE "clusters" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "clusters" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "clusters"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

ALTER TABLE "nodes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "nodes" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "nodes"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

ALTER TABLE "pods" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "pods" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "pods"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

ALTER TABLE "services" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "services" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "services"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

ALTER TABLE "endpoint_slices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "endpoint_slices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "endpoint_slices"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

ALTER TABLE "address_claims" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "address_claims" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "address_claims"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

-- The runtime role: not the owner, not a superuser, no BYPASSRLS. The app logs in as it (LOGIN and
-- its password are set at boot by the migrating role, see src/db/runtime-role.ts).
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'svcpath_app') THEN
    CREATE ROLE svcpath_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO svcpath_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  "tenants", "api_keys", "clusters", "nodes", "pods", "services", "endpoint_slices", "address_claims"
  TO svcpath_app;
GRANT EXECUTE ON FUNCTION svcpath_current_tenant() TO svcpath_app;
