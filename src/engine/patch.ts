// patchCompiled(): the compiled form of a model after some writes, built from the previous
// compiled version instead of from scratch. It answers every question exactly as
// compile(applyModelChanges(prev.model, changes)) would (patch.spec.ts proves it on random
// writes), and never changes `prev` (analyses in flight and what-ifs may still hold it).
//
// What a version shares with the previous one:
//  - pod writes: the nodes (and every cache keyed on them), the Services and their frontend
//    tables. model.pods is copied (references only: a ClusterModel holds plain arrays) with the
//    written pods replaced in place, a deleted pod's slot taken by the last pod, so every other
//    pod keeps its index; the compiled pods, podByKey, ipOwner and the label index are layered
//    versions over a shared base (patch/layered-map.ts). Only the Services whose selectors pick
//    a written pod (before or after), or whose slices name an address that changed owner, have
//    their endpoints derived again, and a port whose endpoints come out equal is kept as it was;
//  - EndpointSlice writes: as pod writes, for the slices' Services;
//  - Service writes keeping the Service's key, port layout and frontends (selector, policies,
//    annotations, labels...): its ports replaced in place, the frontend tables kept; other
//    Service writes (add, delete, ports, addresses) lay the Services out again in key order, the
//    ports of Services not written reused (re-indexed copies sharing endpoints when they moved),
//    and rebuild the frontend tables;
//  - node updates (same name, so same index): a copied nodes array, owners of the node's old and
//    new addresses settled again, the EIP table rebuilt;
//  - node additions and deletions shift every node index, and settings reach everything: for
//    those (and for a model with duplicate keys) the result is compile() of the new model.
import { withModel } from './policy/compile';
import { compile, eipOwners, groupSlices, podKeyOfIp } from './compile';
import { ZONE_LABEL } from './topology';
import type { CompiledCluster } from './compiled';
import type { EndpointSources } from './endpoints';
import type { ClusterModel, NodeModel, PodModel } from './model';
import { servicesNamingChanged, servicesSelecting } from './patch/affected';
import { applyModelChanges, keyOf, withLists, type ModelChange } from './patch/model-changes';
import { NodeDraft } from './patch/nodes';
import { PodDraft } from './patch/pods';
import { patchedServices, ServiceDraft } from './patch/services';
import { SliceDraft } from './patch/slices';
import { claimsOf, labelsOf, rememberClaims, rememberLabels, slicesOf } from './patch/state';
import { carryUnknownPods } from './reach/redacted';

export { applyModelChanges, type ClusterSettings, type ModelChange } from './patch/model-changes';

/** A write that moves node indices or reaches every part of the model: compile() the result instead. */
function needsRecompile(prev: CompiledCluster, c: ModelChange): boolean {
  if (c.kind === 'settings') return true;
  if (c.kind !== 'node') return false;
  if (c.after === null || c.after.name !== c.name || !prev.nodeByName.has(c.name)) return true;
  // A node's zone decides the topology hints inferred for endpoints on it, and which cluster
  // endpoints it uses: rare, so compiled from scratch rather than patched.
  return (c.after.labels[ZONE_LABEL] ?? null) !== prev.nodes[prev.nodeByName.get(c.name) as number].zone;
}

/** The writes of one patch, applied to drafts of each part of the previous version (made on the first write to each). */
class ClusterDraft {
  readonly pods: PodDraft;
  #nodes: NodeDraft | null = null;
  #services: ServiceDraft | null = null;
  #slices: SliceDraft | null = null;
  readonly #prev: CompiledCluster;

  constructor(prev: CompiledCluster, pods: PodDraft) {
    this.#prev = prev;
    this.pods = pods;
  }

  apply(c: ModelChange): void {
    switch (c.kind) {
      case 'node':
        (this.#nodes ??= new NodeDraft(this.#prev)).update(c.after as NodeModel, this.pods.owners);
        break;
      case 'pod':
        this.#pod(c.key, c.after);
        break;
      case 'service':
        (this.#services ??= new ServiceDraft(this.#prev.model)).write(c.key, c.after);
        break;
      case 'endpointSlice':
        (this.#slices ??= new SliceDraft(this.#prev.model)).write(c.key, c.after);
        break;
      case 'settings':
        throw new Error('settings are recompiled (needsRecompile)');
      default: {
        const unreachable: never = c;
        return unreachable;
      }
    }
  }

  /** The pods written, by the key written (for caches carried to the next version). */
  readonly #writtenPods: [string, PodModel | null][] = [];

  #pod(key: string, after: PodModel | null): void {
    this.#writtenPods.push([key, after]);
    if (after === null || keyOf(after) !== key) this.pods.remove(key);
    if (after !== null) this.pods.upsert(keyOf(after), after);
  }

  /** The new model: the previous one's settings, its lists as written. */
  #model(): ClusterModel {
    const m = this.#prev.model;
    return withLists(
      m,
      this.#nodes?.models.items ?? m.nodes,
      this.pods.models.items,
      this.#services?.models.items ?? m.services,
      this.#slices?.models.items ?? m.endpointSlices,
    );
  }

  /** The patched version. */
  finish(): CompiledCluster {
    const prev = this.#prev;
    const pods = this.pods;
    const nodes = this.#nodes?.compiled ?? prev.nodes;
    const ipOwner = pods.owners.owners.finish();
    const model = this.#model();
    const labels = pods.labels.finish(model.pods.length);
    const src: EndpointSources = {
      slicesByService: this.#slices?.finish() ?? slicesOf(model.endpointSlices) ?? groupSlices(model),
      pods: model.pods,
      compiledPods: pods.compiled.finish(),
      selectorIndex: labels,
      nodeByName: prev.nodeByName,
      nodes,
      kubernetesVersion: model.kubernetesVersion,
      podKeyOfIp: podKeyOfIp(ipOwner),
    };
    const affected = new Set(this.#slices?.before.keys());
    servicesSelecting(prev.services, pods.touched, affected);
    servicesNamingChanged(model.endpointSlices, prev.ipOwner, ipOwner, pods.owners.changed, affected);
    const cc: CompiledCluster = Object.freeze({
      ...prev,
      model,
      nodes,
      eipOwner: nodes === prev.nodes ? prev.eipOwner : eipOwners(nodes),
      pods: src.compiledPods,
      podByKey: pods.positions.finish(),
      ipOwner,
      ...patchedServices(prev, this.#services, src, affected),
      policies: prev.policies === null ? null : withModel(prev.policies, model),
    });
    rememberLabels(model.pods, labels);
    carryUnknownPods(prev.model.pods, model.pods, this.#writtenPods);
    rememberClaims(cc, pods.owners.claims.finish());
    return cc;
  }
}

/** Whether patchCompiled(prev, changes) compiles the whole model again (node additions, deletions, renames, settings): a caller may rather defer it. */
export function patchRecompiles(prev: CompiledCluster, changes: readonly ModelChange[]): boolean {
  return (
    claimsOf(prev) === undefined ||
    labelsOf(prev.model.pods) === undefined ||
    changes.some((c) => needsRecompile(prev, c))
  );
}

/**
 * The compiled form of applyModelChanges(prev.model, changes), reusing what the changes do not
 * touch (see the top of this file); `prev` itself is not changed. Node additions and deletions,
 * node renames and settings changes are compiled from scratch.
 */
export function patchCompiled(prev: CompiledCluster, changes: readonly ModelChange[]): CompiledCluster {
  if (changes.length === 0) return prev;
  const claims = claimsOf(prev);
  const labels = labelsOf(prev.model.pods);
  if (claims === undefined || labels === undefined || changes.some((c) => needsRecompile(prev, c)))
    return compile(applyModelChanges(prev.model, changes));
  const draft = new ClusterDraft(prev, new PodDraft(prev, claims, labels));
  for (const c of changes) draft.apply(c);
  return draft.finish();
}
