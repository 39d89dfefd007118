import { checkCceServiceConstraints, ClusterModel, normaliseCceAnnotations, ServiceModel } from '../../engine';
import { DomainError } from '../../common/domain-error';
import { TenantTx } from '../../prisma/prisma.service';
import { TopologyLoader } from '../analysis/topology-loader';
import { ClusterRow } from '../topology/cluster-store';
import { isHeadless, ServiceSpec } from './service-spec';

export function toServiceModel(namespace: string, name: string, spec: ServiceSpec): ServiceModel {
  return { namespace, name, ...spec, clusterIps: isHeadless(spec) ? [] : spec.clusterIps };
}

/** The engine names fields as in a Kubernetes object (`spec.x`, `metadata.annotations[...]`); the API's inputs are flat. */
function apiField(field: string): string {
  return field.replace(/^(spec|metadata)\./, '');
}

/**
 * The CCE page's constraints on a Service about to be stored, checked against the rest of the
 * cluster (`model`, the Service itself left out), and its annotation normalisation: with
 * externalTrafficPolicy Local, `kubernetes.io/elb.pass-through: "true"` reads back as "onlyLocal".
 * Returns the spec to store; a violation is a 422 naming the rule. The one home of these rules:
 * REST and GraphQL (applyCceRules), the import and what-if all call it. KUBERNETES clusters pass through.
 */
export function cceServiceRules(model: ClusterModel, namespace: string, name: string, spec: ServiceSpec): ServiceSpec {
  if (model.profile === 'KUBERNETES') return spec;
  const service = normaliseCceAnnotations(toServiceModel(namespace, name, spec));
  const others = model.services.filter((s) => !(s.namespace === namespace && s.name === name));
  const violations = checkCceServiceConstraints({ ...model, services: others }, service);
  if (violations.length > 0) {
    const [first] = violations;
    throw new DomainError(
      'UNPROCESSABLE',
      `${apiField(first.field)}: ${first.message} (rule ${first.ruleId})`,
      violations.map((v) => ({ field: apiField(v.field), message: `${v.message} (rule ${v.ruleId})` })),
      first.ruleId,
    );
  }
  return { ...spec, annotations: { ...service.annotations } };
}

/** cceServiceRules against the cluster as it is in this transaction (a REST or GraphQL write). */
export async function applyCceRules(
  tx: TenantTx,
  loader: TopologyLoader,
  cluster: ClusterRow,
  namespace: string,
  name: string,
  spec: ServiceSpec,
): Promise<ServiceSpec> {
  if (cluster.profile === 'KUBERNETES') return spec;
  return cceServiceRules(await loader.load(tx, cluster), namespace, name, spec);
}
