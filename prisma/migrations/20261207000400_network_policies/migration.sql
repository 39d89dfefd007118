-- Namespaces and networking.k8s.io/v1 NetworkPolicies (issue 14), and whether a cluster's network
-- plugin enforces NetworkPolicy (NULL = the profile's default). Both tables are tenant-owned: the
-- same row-level security (enabled and forced, tenant_isolation) and grants as the init migration's.

-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "network_policy_enforced" BOOLEAN;

-- CreateTable
CREATE TABLE "namespaces" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "namespaces_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "network_policies" (
    "tenant_id" UUID NOT NULL,
    "cluster_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "pod_selector" JSONB NOT NULL,
    "policy_types" TEXT[],
    "ingress" JSONB NOT NULL DEFAULT '[]',
    "egress" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "network_policies_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "namespaces_tenant_id_cluster_id_name_key" ON "namespaces"("tenant_id", "cluster_id", "name");
-- CreateIndex
CREATE UNIQUE INDEX "network_policies_tenant_id_cluster_id_namespace_name_key" ON "network_policies"("tenant_id", "cluster_id", "namespace", "name");

-- AddForeignKey
ALTER TABLE "namespaces" ADD CONSTRAINT "namespaces_tenant_id_cluster_id_fkey" FOREIGN KEY ("tenant_id", "cluster_id") REFERENCES "clusters"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "network_policies" ADD CONSTRAINT "network_policies_tenant_id_cluster_id_fkey" FOREIGN KEY ("tenant_id", "cluster_id") REFERENCES "clusters"("tenant_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Tenant isolation (as in 20261125000000_init: svcpath_current_tenant() is NULL unless set, so an
-- unset tenant matches nothing).
ALTER TABLE "namespaces" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "namespaces" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "namespaces"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

ALTER TABLE "network_policies" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "network_policies" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "network_policies"
  USING ("tenant_id" = svcpath_current_tenant()) WITH CHECK ("tenant_id" = svcpath_current_tenant());

GRANT SELECT, INSERT, UPDATE, DELETE ON "namespaces", "network_policies" TO svcpath_app;
