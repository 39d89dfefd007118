// TestInternalExternalMasquerade, transcribed: the shared flowTests and the four variants'
// overrides (base, no LocalTrafficDetector, masqueradeAll, masqueradeAll without detector).
// The iptables version adds three "localhost to NodePort" rows.
import type { FlowOverride } from './cases';
import type { PacketFlowRow } from './packet-flow';
import { TEST_EXTERNAL_CLIENT as EXT, TEST_NODE_IP as NODE } from './upstream';

type Row = Omit<PacketFlowRow, 'test'>;
const E1 = '10.180.0.1:80, 10.180.1.1:80';
const E2 = '10.180.0.2:80, 10.180.1.2:80';
const E3 = '10.180.0.3:80, 10.180.1.3:80';

function r(name: string, sourceIP: string, destIP: string, destPort: number, output: string, masq: boolean): Row {
  return { name, sourceIP, destIP, destPort, output, masq };
}

export function flowTests(withLocalhost: boolean): Row[] {
  const lh = (row: Row): Row[] => (withLocalhost ? [row] : []);
  return [
    r('pod to ClusterIP', '10.0.0.2', '172.30.0.41', 80, E1, false),
    r('pod to NodePort', '10.0.0.2', NODE, 3001, E1, true),
    r('pod to LB', '10.0.0.2', '1.2.3.4', 80, E1, true),
    r('node to ClusterIP', NODE, '172.30.0.41', 80, E1, true),
    r('node to NodePort', NODE, NODE, 3001, E1, true),
    ...lh(r('localhost to NodePort', '127.0.0.1', '127.0.0.1', 3001, E1, true)),
    r('node to LB', NODE, '1.2.3.4', 80, E1, true),
    r('external to ClusterIP', EXT, '172.30.0.41', 80, E1, true),
    r('external to NodePort', EXT, NODE, 3001, E1, true),
    r('external to LB', EXT, '1.2.3.4', 80, E1, true),
    r('pod to ClusterIP with eTP:Local', '10.0.0.2', '172.30.0.42', 80, E2, false),
    r('pod to NodePort with eTP:Local', '10.0.0.2', NODE, 3002, E2, false),
    r('pod to LB with eTP:Local', '10.0.0.2', '5.6.7.8', 80, E2, false),
    r('node to ClusterIP with eTP:Local', NODE, '172.30.0.42', 80, E2, true),
    // Upstream addresses svc1's NodePort (3001) in this row; transcribed as is.
    r('node to NodePort with eTP:Local', NODE, NODE, 3001, E1, true),
    ...lh(r('localhost to NodePort with eTP:Local', '127.0.0.1', '127.0.0.1', 3002, E2, true)),
    r('node to LB with eTP:Local', NODE, '5.6.7.8', 80, E2, true),
    r('external to ClusterIP with eTP:Local', EXT, '172.30.0.42', 80, E2, true),
    r('external to NodePort with eTP:Local', EXT, NODE, 3002, '10.180.0.2:80', false),
    r('external to LB with eTP:Local', EXT, '5.6.7.8', 80, '10.180.0.2:80', false),
    r('pod to ClusterIP with iTP:Local', '10.0.0.2', '172.30.0.43', 80, '10.180.0.3:80', false),
    r('pod to NodePort with iTP:Local', '10.0.0.2', NODE, 3003, E3, true),
    r('pod to LB with iTP:Local', '10.0.0.2', '9.10.11.12', 80, E3, true),
    r('node to ClusterIP with iTP:Local', NODE, '172.30.0.43', 80, '10.180.0.3:80', true),
    r('node to NodePort with iTP:Local', NODE, NODE, 3003, E3, true),
    ...lh(r('localhost to NodePort with iTP:Local', '127.0.0.1', '127.0.0.1', 3003, E3, true)),
    r('node to LB with iTP:Local', NODE, '9.10.11.12', 80, E3, true),
    r('external to ClusterIP with iTP:Local', EXT, '172.30.0.43', 80, '10.180.0.3:80', true),
    r('external to NodePort with iTP:Local', EXT, NODE, 3003, E3, true),
    r('external to LB with iTP:Local', EXT, '9.10.11.12', 80, E3, true),
  ];
}

export interface Variant {
  readonly name: string;
  readonly masqueradeAll: boolean;
  readonly localDetector: boolean;
  readonly overrides: Readonly<Record<string, FlowOverride>>;
}

const noDetector: Record<string, FlowOverride> = {
  'node to ClusterIP': { masq: false },
  'node to ClusterIP with eTP:Local': { masq: false },
  'node to ClusterIP with iTP:Local': { masq: false },
  'external to ClusterIP': { masq: false },
  'external to ClusterIP with eTP:Local': { masq: false },
  'external to ClusterIP with iTP:Local': { masq: false },
  'pod to NodePort with eTP:Local': { output: '10.180.0.2:80' },
  'pod to LB with eTP:Local': { output: '10.180.0.2:80' },
};
const masqAll: Record<string, FlowOverride> = {
  'pod to ClusterIP': { masq: true },
  'pod to ClusterIP with eTP:Local': { masq: true },
  'pod to ClusterIP with iTP:Local': { masq: true },
};

export const VARIANTS: readonly Variant[] = [
  { name: 'base', masqueradeAll: false, localDetector: true, overrides: {} },
  { name: 'no LocalTrafficDetector', masqueradeAll: false, localDetector: false, overrides: noDetector },
  { name: 'masqueradeAll', masqueradeAll: true, localDetector: true, overrides: masqAll },
  {
    name: 'masqueradeAll, no LocalTrafficDetector',
    masqueradeAll: true,
    localDetector: false,
    overrides: {
      ...masqAll,
      'pod to NodePort with eTP:Local': noDetector['pod to NodePort with eTP:Local'],
      'pod to LB with eTP:Local': noDetector['pod to LB with eTP:Local'],
    },
  },
];
