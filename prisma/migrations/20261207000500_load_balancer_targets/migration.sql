-- Load balancers known only by hostname (status.loadBalancer.ingress[].hostname, the EKS default),
-- and where a cloud load balancer delivers (NODES, or PODS for a container-native one; NULL = not
-- stated; the write rules keep it to those two, as schema.prisma describes no CHECK). No new table: the tables' row-level security (init) covers the columns.

-- AlterTable
ALTER TABLE "services" ADD COLUMN     "load_balancer_hostnames" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "load_balancer_target" TEXT;
