import { CompiledCluster, serviceMatrix as build, type ServiceMatrix } from '../../engine';

export type Matrix = ServiceMatrix;

const memo = new WeakMap<CompiledCluster, Map<string, Matrix>>();

/** Every client location × every way of addressing one Service; memoised per compiled model (dashboards poll it). */
export function serviceMatrix(compiled: CompiledCluster, service: string): Matrix {
  let perModel = memo.get(compiled);
  if (!perModel) memo.set(compiled, (perModel = new Map()));
  let matrix = perModel.get(service);
  if (matrix === undefined) perModel.set(service, (matrix = build(compiled, service)));
  return matrix;
}
