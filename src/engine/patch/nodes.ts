// Node updates for patchCompiled() (a node keeping its name keeps its index: nodes are sorted by
// name). Adding or deleting a node shifts indices everywhere: patch.ts recompiles for those.
import type { CompiledCluster, CompiledNode } from '../compiled';
import { compileNode } from '../compile';
import type { NodeModel } from '../model';
import { nameOf, standaloneDraft, type ListDraft } from './model-changes';
import type { OwnerDraft } from './ownership';

export class NodeDraft {
  readonly models: ListDraft<NodeModel>;
  #compiled: CompiledNode[] | null = null;
  readonly #prev: CompiledCluster;

  constructor(prev: CompiledCluster) {
    this.#prev = prev;
    this.models = standaloneDraft(prev.model.nodes, nameOf);
  }

  /** The compiled nodes: the previous array itself (caches key on it) unless a node changed. */
  get compiled(): readonly CompiledNode[] {
    return this.#compiled ?? this.#prev.nodes;
  }

  /** Replace node `after.name` (present: patch.ts checked) and settle the owners of its old and new addresses. */
  update(after: NodeModel, owners: OwnerDraft): void {
    const index = this.#prev.nodeByName.get(after.name) as number;
    const nodes = (this.#compiled ??= [...this.#prev.nodes]);
    const before = nodes[index];
    nodes[index] = compileNode(after, index);
    this.models.upsert(after.name, after);
    for (const ip of new Set([...before.internalIps, ...nodes[index].internalIps])) owners.settle(ip, nodes);
  }
}
