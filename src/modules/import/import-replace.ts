import { DomainError } from '../../common/domain-error';
import { ExistingRows } from './import-model';
import { Deletions, Kind, noDeletions } from './import-writes';
import type { ParsedImport } from './parse';

/**
 * What a replace import (a snapshot of the cluster) deletes: for every kind the document carries
 * (at least one object of it, or declared: `kinds`), the stored objects of that kind it lacks. References are kept whole:
 * a deleted Service takes its EndpointSlices with it (as Kubernetes' garbage collector does with
 * the slices it owns), and a node that a stored pod still runs on is refused, naming both, unless
 * the snapshot carries the pods too (then it says where each pod runs).
 */
export function planDeletions(
  parsed: ParsedImport,
  existing: ExistingRows,
  declared: readonly string[] = [],
): Deletions {
  const nsName = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;
  const inDocument: Record<Kind, Set<string>> = {
    nodes: new Set(parsed.nodes.map((n) => n.name)),
    pods: new Set(parsed.pods.map(nsName)),
    services: new Set(parsed.services.map(nsName)),
    endpointSlices: new Set(parsed.endpointSlices.map(nsName)),
  };
  const carried = (kind: Kind) => inDocument[kind].size > 0 || declared.includes(kind);
  const lacking = (kind: Kind, rows: Map<string, { id: string }>) =>
    !carried(kind)
      ? []
      : [...rows].filter(([key]) => !inDocument[kind].has(key)).map(([key, row]) => ({ id: row.id, key }));
  const out = noDeletions();
  out.nodes = lacking('nodes', existing.nodes);
  out.pods = lacking('pods', existing.pods);
  out.services = lacking('services', existing.services);
  out.endpointSlices = lacking('endpointSlices', existing.slices);
  const goneServices = new Set(out.services.map((d) => d.key));
  const goneSlices = new Set(out.endpointSlices.map((d) => d.key));
  for (const [key, slice] of existing.slices) {
    if (
      goneServices.has(`${slice.namespace}/${slice.serviceName}`) &&
      !goneSlices.has(key) &&
      !inDocument.endpointSlices.has(key)
    ) {
      out.endpointSlices.push({ id: slice.id, key });
    }
  }
  if (out.nodes.length > 0 && !carried('pods')) checkNoPodLeftOn(new Set(out.nodes.map((d) => d.key)), existing);
  return out;
}

/** A node cannot go while a stored pod (that the snapshot does not replace) runs on it. */
function checkNoPodLeftOn(goneNodes: Set<string>, existing: ExistingRows): void {
  for (const [key, pod] of existing.pods) {
    if (pod.nodeName !== null && goneNodes.has(pod.nodeName)) {
      throw DomainError.conflict(
        'nodes',
        `node ${pod.nodeName} is not in the snapshot, but stored pod ${key} still runs on it and the snapshot carries no pods: ` +
          'include the pods in the snapshot, or delete the pod first',
      );
    }
  }
}
