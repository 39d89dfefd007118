-- kube-proxy's own clusterCIDR, apart from the cluster's pod ranges (cluster_cidrs): its ClusterCIDR
-- local-traffic detector reads only this (cmd/kube-proxy/app/server_linux.go getLocalDetectors).
-- Comma-separated as kube-proxy's v1alpha1 clusterCIDR, '' = none; NULL = the same as cluster_cidrs,
-- so every existing cluster keeps the behaviour it had. No new table: the tables' row-level security
-- (init) covers the column.

-- AlterTable
ALTER TABLE "clusters" ADD COLUMN     "kube_proxy_cluster_cidr" TEXT;
