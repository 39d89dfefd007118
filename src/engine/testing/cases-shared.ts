// Tables that are identical in the iptables and nftables proxier tests: terminating-endpoint
// fallback (Local and Cluster), internalTrafficPolicy, and the rows run after the slice is deleted.
import type { ProxyMode } from '../model';
import { suite, type Suite } from './cases';
import type { PacketFlowRow } from './packet-flow';
import { TEST_EXTERNAL_CLIENT as EXT, TEST_NODE } from './upstream';
import * as fx from './upstream-services';

type Row = Omit<PacketFlowRow, 'test'>;

const afterDelete: Row[] = [
  {
    name: 'pod to clusterIP after endpoints deleted',
    sourceIP: '10.0.0.2',
    destIP: '172.30.1.1',
    destPort: 80,
    output: 'REJECT',
  },
  { name: 'external to LB after endpoints deleted', sourceIP: EXT, destIP: '1.2.3.4', destPort: 80, output: 'REJECT' },
];

function podAndLb(podOut: string, podMasq: boolean, lbOut: string, lbMasq: boolean, lbName = 'external to LB'): Row[] {
  return [
    {
      name: 'pod to clusterIP',
      sourceIP: '10.0.0.2',
      destIP: '172.30.1.1',
      destPort: 80,
      output: podOut,
      masq: podMasq,
    },
    { name: lbName, sourceIP: EXT, destIP: '1.2.3.4', destPort: 80, output: lbOut, masq: lbMasq },
  ];
}

export function terminatingLocal(file: string, mode: ProxyMode): Suite[] {
  const test = 'TestTerminatingEndpointsTrafficPolicyLocal';
  const cases: [string, Row[]][] = [
    [
      'ready endpoints exist',
      podAndLb('10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80', false, '10.0.1.1:80, 10.0.1.2:80', false),
    ],
    ['only terminating endpoints exist', podAndLb('10.0.1.5:80', false, '10.0.1.2:80, 10.0.1.3:80', false)],
    [
      'terminating endpoints on remote node',
      podAndLb('10.0.1.5:80', false, 'DROP', false, 'external to LB, no locally-usable endpoints'),
    ],
    [
      'no usable endpoints on any node',
      [
        {
          name: 'pod to clusterIP, no usable endpoints',
          sourceIP: '10.0.0.2',
          destIP: '172.30.1.1',
          destPort: 80,
          output: 'REJECT',
        },
        {
          name: 'external to LB, no usable endpoints',
          sourceIP: EXT,
          destIP: '1.2.3.4',
          destPort: 80,
          output: 'REJECT',
        },
      ],
    ],
  ];
  return cases.flatMap(([name, rows]) => [
    suite(file, `${test}/${name}`, { mode }, fx.terminating('Local', fx.TERMINATING_CASES[name]), rows),
    suite(file, `${test}/${name} (slice deleted)`, { mode }, fx.terminating('Local', null), afterDelete),
  ]);
}

export function terminatingCluster(file: string, mode: ProxyMode): Suite[] {
  const test = 'TestTerminatingEndpointsTrafficPolicyCluster';
  const table: [string, Parameters<typeof fx.terminating>[1], Row[]][] = [
    [
      'ready endpoints exist',
      fx.TERMINATING_CLUSTER_READY,
      podAndLb('10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80', false, '10.0.1.1:80, 10.0.1.2:80, 10.0.1.5:80', true),
    ],
    [
      'only terminating endpoints exist',
      fx.TERMINATING_CLUSTER_ONLY_TERMINATING,
      podAndLb('10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80', false, '10.0.1.2:80, 10.0.1.3:80, 10.0.1.5:80', true),
    ],
    [
      'terminating endpoints on remote node',
      fx.TERMINATING_CASES['terminating endpoints on remote node'],
      podAndLb('10.0.1.5:80', false, '10.0.1.5:80', true),
    ],
    [
      'no usable endpoints on any node',
      fx.TERMINATING_CASES['no usable endpoints on any node'],
      podAndLb('REJECT', false, 'REJECT', false),
    ],
  ];
  return table.flatMap(([name, eps, rows]) => [
    suite(file, `${test}/${name}`, { mode }, fx.terminating('Cluster', eps), rows),
    suite(file, `${test}/${name} (slice deleted)`, { mode }, fx.terminating('Cluster', null), afterDelete),
  ]);
}

export function internalTrafficPolicy(
  file: string,
  test: string,
  mode: ProxyMode,
  withMultipleLocal: boolean,
): Suite[] {
  const row = (name: string, output: string): Row => ({
    name,
    sourceIP: '10.0.0.2',
    destIP: '172.30.1.1',
    destPort: 80,
    output,
    masq: false,
  });
  const table: [string, 'Local' | 'Cluster', [string, string][], Row][] = [
    [
      'internalTrafficPolicy is cluster',
      'Cluster',
      [
        ['10.0.1.1', TEST_NODE],
        ['10.0.1.2', 'node1'],
        ['10.0.1.3', 'node2'],
      ],
      row('pod to ClusterIP hits all endpoints', '10.0.1.1:80, 10.0.1.2:80, 10.0.1.3:80'),
    ],
    [
      withMultipleLocal
        ? 'internalTrafficPolicy is local and there is one local endpoint'
        : 'internalTrafficPolicy is local and there are local endpoints',
      'Local',
      [
        ['10.0.1.1', TEST_NODE],
        ['10.0.1.2', 'node1'],
        ['10.0.1.3', 'node2'],
      ],
      row('pod to ClusterIP hits only local endpoint', '10.0.1.1:80'),
    ],
    ...(withMultipleLocal
      ? [
          [
            'internalTrafficPolicy is local and there are multiple local endpoints',
            'Local' as const,
            [
              ['10.0.1.1', TEST_NODE],
              ['10.0.1.2', TEST_NODE],
              ['10.0.1.3', 'node2'],
            ],
            row('pod to ClusterIP hits all local endpoints', '10.0.1.1:80, 10.0.1.2:80'),
          ] as [string, 'Local', [string, string][], Row],
        ]
      : []),
    [
      'internalTrafficPolicy is local and there are no local endpoints',
      'Local',
      [
        ['10.0.1.1', 'node0'],
        ['10.0.1.2', 'node1'],
        ['10.0.1.3', 'node2'],
      ],
      row('no endpoints', 'DROP'),
    ],
  ];
  return table.flatMap(([name, policy, eps, flow]) => [
    suite(file, `${test}/${name}`, { mode }, fx.internalTrafficPolicy(policy, eps), [flow]),
    suite(file, `${test}/${name} (slice deleted)`, { mode }, fx.internalTrafficPolicy(policy, null), [
      row('endpoints deleted', 'REJECT'),
    ]),
  ]);
}
