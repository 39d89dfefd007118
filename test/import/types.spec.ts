import { expectTypeOf, it } from 'vitest';
import type { EndpointSliceModel, KubeProxyOptions, NodeModel, PodModel, ServiceModel } from '../../src/engine/model';
import type {
  EndpointSliceRecord,
  ParsedImport,
  NodeRecord,
  PodRecord,
  ServiceRecord,
} from '../../src/modules/import/parse';

/** The records map 1:1 onto the engine's model (checked by the type checker; `npm run typecheck`). */
it('records are assignable to the engine model types', () => {
  expectTypeOf<NodeRecord>().toExtend<NodeModel>();
  expectTypeOf<PodRecord>().toExtend<PodModel>();
  expectTypeOf<ServiceRecord>().toExtend<ServiceModel>();
  expectTypeOf<EndpointSliceRecord>().toExtend<EndpointSliceModel>();
  expectTypeOf<Required<NonNullable<ParsedImport['kubeProxy']>>>().toExtend<KubeProxyOptions>();
});
