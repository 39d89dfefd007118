import { ObjectType } from '@nestjs/graphql';
import { Prop } from '../../common/prop';
import { E } from '../topology/enums';
import { A } from './answer.enums';
import { RuleView, SummaryView } from './answer.views';

@ObjectType('MatrixClient')
export class MatrixClientView {
  @Prop(A.MatrixClientKind, { description: "NODE (a node's host network), POD or EXTERNAL" }) kind!: string;
  @Prop('string', { description: 'Node name, "namespace/name", or PUBLIC / PRIVATE' }) name!: string;
  @Prop('string', { nullable: true }) node!: string | null;
  @Prop(A.NodeClass, { nullable: true, description: 'The class of nodes this client stands for.' }) nodeClass!:
    string | null;
  @Prop('int', { description: 'How many nodes the class holds (0 outside the cluster).' }) nodeCount!: number;
  @Prop('string', { example: 'pod default/frontend-1 on node-3 (the only node running no backend)' }) label!: string;
}

@ObjectType('MatrixColumn')
export class MatrixColumnView {
  @Prop('string', { example: 'c1' }) id!: string;
  @Prop(A.ViaKind) kind!: string;
  @Prop(A.Network, { nullable: true }) network!: string | null;
  @Prop('int', { description: 'The port the client uses (the NodePort for NODE_PORT).' }) port!: number;
  @Prop(E.Protocol) protocol!: string;
  @Prop('string', { nullable: true }) portName!: string | null;
  @Prop(A.NodeRole, {
    nullable: true,
    description: "NodePorts: the client's own node, nodes running a backend, or nodes running none.",
  })
  role!: string | null;
  @Prop('string', {
    nullable: true,
    description: 'The address (null for NodePorts: one column stands for many nodes).',
  })
  address!: string | null;
  @Prop('string', { example: 'NodePort 30000/TCP on nodes running a backend (private IP)' }) label!: string;
}

@ObjectType('MatrixCell')
export class MatrixCellView {
  @Prop(A.MatrixVerdict) verdict!: string;
  @Prop(A.MatrixPolicy, {
    nullable: true,
    description:
      "What NetworkPolicy does to the cell's connections (null when the cluster has no NetworkPolicy, or none is judged).",
  })
  policy!: string | null;
  @Prop('sourceIpFate', { nullable: true }) sourceIpPreserved!: boolean | 'MIXED' | null;
  @Prop(A.RuleId, { nullable: true, description: 'The deciding rule (see rules).' }) rule!: string | null;
  @Prop('int', { description: 'How many addresses the cell stands for, for this client.' }) count!: number;
}

@ObjectType('MatrixRow')
export class MatrixRowView {
  @Prop(MatrixClientView) client!: MatrixClientView;
  @Prop(MatrixCellView, { array: true, description: 'One per column, in the order of columns.' })
  cells!: MatrixCellView[];
}

@ObjectType('Matrix')
export class MatrixView {
  @Prop('string') service!: string;
  @Prop(SummaryView) summary!: SummaryView;
  @Prop(MatrixColumnView, { array: true }) columns!: MatrixColumnView[];
  @Prop(MatrixRowView, { array: true }) rows!: MatrixRowView[];
  @Prop(RuleView, { array: true, description: 'Every rule the cells cite, once.' }) rules!: RuleView[];
  @Prop(A.RuleId, { nullable: true, description: 'Set when kube-proxy ignores the Service.' }) ignoredBy!:
    string | null;
}

@ObjectType('NamespaceMatrix')
export class NamespaceMatrixView {
  @Prop('string') namespace!: string;
  @Prop(MatrixView, { array: true }) services!: MatrixView[];
}
