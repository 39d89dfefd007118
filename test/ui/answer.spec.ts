import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { assetsDir } from '../../src/modules/ui/ui.controller';

/**
 * The page's pure part (src/modules/ui/assets/answer.js: from an answer to lanes of boxes and
 * where they go), run in Node on an answer the API gave for the demo cluster: the Service
 * default/backend-elb asked from the internet (fixtures/elb-from-internet.json). It has a
 * load-balancer group with deliveries, a NodePort that drops, and one that connects.
 */
const ROOT = join(__dirname, '..', '..');

interface Box {
  key: string;
  x: number;
  y: number;
  w: number;
  h: number;
  role: string;
  item: Record<string, unknown>;
}
interface Layout {
  width: number;
  height: number;
  boxes: Box[];
  edges: { from: string; to: string; outcome: string }[];
}
interface Station {
  key: string;
  kind: string;
  title: string;
  node: string | null;
  rule: string | null;
  outcome: string;
  decides: boolean;
  hop: string | null;
  steps: unknown[];
  translation: unknown;
}
interface Lane {
  id: string;
  verdict: string;
  network: string | null;
  nodes: string[];
  stations: Station[];
  branches: { box: Station | null; endpoints: { outcome: string; pod: string }[]; hidden: number }[];
}
interface AnswerModule {
  laneOfGroup(group: unknown, client: unknown): Lane;
  laneOfTrace(trace: unknown, client: unknown): Lane;
  layoutLane(lane: Lane, options: { vertical: boolean; width: number }): Layout;
  translationLines(t: unknown): string[];
  groupKindText(group: unknown): string;
  fit(text: string, width: number, measure: (s: string) => number): string;
  SIZES: Record<string, number>;
}

type Group = {
  id: string;
  kind: string;
  verdict: string;
  rule: string;
  deliveries: { nodes: string[]; endpoints: unknown[] }[] | null;
  endpoints: unknown[];
};
const answer = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'elb-from-internet.json'), 'utf8')) as {
  groups: Group[];
};
const group = (id: string) => answer.groups.find((g) => g.id === id)!;
const CLIENT = { external: { network: 'PUBLIC' } };
let m: AnswerModule;

beforeAll(async () => {
  // A browser module: loaded by URL, as the page loads it.
  const url = pathToFileURL(join(ROOT, 'src', 'modules', 'ui', 'assets', 'answer.js')).href;
  m = (await import(url)) as AnswerModule;
});

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function checkLayout(layout: Layout): void {
  for (const [i, a] of layout.boxes.entries()) {
    expect(a.x).toBeGreaterThanOrEqual(0);
    expect(a.y).toBeGreaterThanOrEqual(0);
    expect(a.x + a.w).toBeLessThanOrEqual(layout.width);
    expect(a.y + a.h).toBeLessThanOrEqual(layout.height);
    for (const b of layout.boxes.slice(i + 1)) expect(overlaps(a, b), `${a.key} overlaps ${b.key}`).toBe(false);
  }
  const keys = new Set(layout.boxes.map((b) => b.key));
  expect(keys.size).toBe(layout.boxes.length);
  for (const e of layout.edges) expect(keys.has(e.from) && keys.has(e.to)).toBe(true);
}

describe('the /ui page: lanes and their layout', () => {
  it('a load balancer lane: client, then the load balancer, then one box per delivery with its own endpoints', () => {
    const lb = group('g3');
    const lane = m.laneOfGroup(lb, CLIENT);
    expect(lane.stations.map((s) => s.kind)).toEqual(['client', 'lb']);
    expect(lane.network).toBe('PUBLIC');
    expect(lane.branches.map((b) => b.box?.title)).toEqual(lb.deliveries!.map((d) => d.nodes.join(', ')));
    expect(lane.branches.map((b) => b.endpoints.length)).toEqual(lb.deliveries!.map((d) => d.endpoints.length));
    // node-1's steps (where the packet is translated) are folded into node-1's delivery box, with the deciding rule.
    const node1 = lane.branches[0].box!;
    expect(node1.steps.length).toBeGreaterThan(0);
    expect(node1.translation).not.toBeNull();
    expect(node1.rule).toBe(lb.rule);
    expect(node1.outcome).toBe('PASSES');
    expect(m.groupKindText(lb)).toBe('Load balancer, public IP');
    for (const vertical of [false, true]) checkLayout(m.layoutLane(lane, { vertical, width: vertical ? 360 : 1150 }));
  });

  it('a NodePort that drops: the node box fails, and a "no backend" box stands for the endpoints', () => {
    const drop = group('g2');
    expect(drop.verdict).toBe('UNREACHABLE');
    const lane = m.laneOfGroup(drop, CLIENT);
    const node = lane.stations.find((s) => s.kind === 'node')!;
    expect(node.hop).toBe('DROP');
    expect(node.outcome).toBe('FAILS');
    expect(lane.nodes).toEqual(['node-3']);
    for (const vertical of [false, true]) {
      const layout = m.layoutLane(lane, { vertical, width: vertical ? 360 : 1150 });
      checkLayout(layout);
      expect(layout.boxes.filter((b) => b.role === 'none')).toHaveLength(1);
      expect(layout.edges.find((e) => e.to.endsWith('none'))?.outcome).toBe('FAILS');
    }
  });

  it('consecutive steps at one place make one hop; each hop names a rule of its steps', () => {
    for (const g of answer.groups) {
      const lane = m.laneOfGroup(g, CLIENT);
      const [client, ...hops] = lane.stations;
      expect(client.kind).toBe('client');
      for (const hop of hops) expect((hop.steps as { rule: string }[]).map((s) => s.rule)).toContain(hop.rule);
      expect(lane.stations.filter((s) => s.decides).length).toBeLessThanOrEqual(1);
    }
  });

  it('boxes narrow to fit the width, never below their minimum; stacked lanes take the width given', () => {
    const lane = m.laneOfGroup(group('g1'), CLIENT);
    const wide = m.layoutLane(lane, { vertical: false, width: 5000 });
    const tight = m.layoutLane(lane, { vertical: false, width: 700 });
    const hopW = (l: Layout) => l.boxes.find((b) => b.role === 'hop' && b.item.kind !== 'client')!.w;
    expect(hopW(wide)).toBe(m.SIZES.stationW);
    expect(hopW(tight)).toBe(m.SIZES.minStationW);
    expect(m.layoutLane(lane, { vertical: true, width: 343 }).width).toBe(343);
  });

  it('says the address translation in two lines, and cuts long text with an ellipsis', () => {
    expect(
      m.translationLines({
        before: { source: '172.16.2.11', destination: '10.247.0.1:80' },
        after: { source: '172.16.2.11', destination: '172.16.0.11:80, 172.16.0.12:80' },
      }),
    ).toEqual(['to 10.247.0.1:80 → 2 endpoints', 'from 172.16.2.11 (kept)']);
    expect(
      m.translationLines({
        before: { source: '*', destination: '203.0.113.10' },
        after: { source: '*', destination: '192.168.0.10' },
      }),
    ).toEqual(['to 203.0.113.10 → 192.168.0.10', 'from any client (kept)']);
    expect(
      m.translationLines({
        before: { source: '203.0.113.7', destination: '192.168.0.10:30000' },
        after: { source: '192.168.0.10', destination: '172.16.1.11:80' },
      }),
    ).toEqual(['to 192.168.0.10:30000 → 172.16.1.11:80', 'from 203.0.113.7 → 192.168.0.10']);
    expect(m.translationLines(null)).toEqual(['no address translation']);
    const chars = (s: string) => s.length;
    expect(m.fit('default/backend-1', 100, chars)).toBe('default/backend-1');
    expect(m.fit('default/backend-1', 8, chars)).toBe('default…');
  });

  it('a trace is one lane: the node that processed the packet, and its endpoints with their outcomes', () => {
    const trace = {
      verdict: 'FORWARD',
      node: 'node-3',
      summary: { verdict: 'UNREACHABLE' },
      steps: [
        { at: 'node/node-3', rule: 'A', description: 'a' },
        {
          at: 'node/node-3',
          rule: 'B',
          description: 'b',
          before: { source: 's', destination: 'd:1' },
          after: { source: 's', destination: 'e:2' },
        },
      ],
      endpoints: [
        { ip: '10.0.0.1', port: 80, pod: 'ns/p', node: 'node-1', masquerade: false, outcome: 'FAILS', rule: 'A' },
      ],
    };
    const lane = m.laneOfTrace(trace, { pod: 'ns/client', node: 'node-3' });
    expect(lane.stations.map((s) => [s.kind, s.node, s.hop])).toEqual([
      ['client', 'node-3', null],
      ['node', 'node-3', 'FORWARD'],
    ]);
    expect(lane.stations[1].rule).toBe('A'); // the rule that failed the first failing endpoint
    expect(lane.stations[1].outcome).toBe('FAILS');
    expect(lane.branches[0].endpoints.map((e) => e.outcome)).toEqual(['FAILS']);
    // A packet no Service rule takes: it goes on, it does not fail.
    const passing = m.laneOfTrace(
      {
        verdict: 'NOT_INTERCEPTED',
        node: 'node-3',
        summary: { verdict: 'UNKNOWN' },
        steps: [{ at: 'node/node-3', rule: 'N', description: 'n' }],
        endpoints: [],
      },
      { ip: '10.0.0.9' },
    );
    const none = m.layoutLane(passing, { vertical: false, width: 1000 }).boxes.find((b) => b.role === 'none')!;
    expect(none.item).toMatchObject({ title: 'Not intercepted', outcome: 'PASSES' });
    expect(passing.stations[1].outcome).toBe('PASSES');
  });
});

describe('the /ui page: its files', () => {
  it('are found from src (tests) and from dist/ (node dist/main.js) alike', () => {
    const assets = join(ROOT, 'src', 'modules', 'ui', 'assets');
    expect(assetsDir(join(ROOT, 'src', 'modules', 'ui'))).toBe(assets);
    expect(assetsDir(join(ROOT, 'dist', 'modules', 'ui'))).toBe(assets);
  });
});
