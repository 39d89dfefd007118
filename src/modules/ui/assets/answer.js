// What the page draws, read from an answer (docs/answers.md): plain data in, plain data out.
// No DOM here, so the tests run these functions in Node too.

/** Verdicts in plain words (the badge shows the verdict itself). */
export const VERDICT_TEXT = Object.freeze({
  REACHABLE: 'reachable',
  PARTIAL: 'partly reachable',
  UNREACHABLE: 'unreachable',
  UNKNOWN: 'unknown',
  NOT_APPLICABLE: 'does not apply',
});

/** A short mark for each verdict, so a cell reads without its colour. */
export const VERDICT_MARK = Object.freeze({
  REACHABLE: '✓',
  PARTIAL: '◐',
  UNREACHABLE: '✕',
  UNKNOWN: '?',
  NOT_APPLICABLE: '',
});

export const KIND_TEXT = Object.freeze({
  CLUSTER_IP: 'ClusterIP',
  NODE_PORT: 'NodePort',
  LOAD_BALANCER: 'Load balancer',
  EXTERNAL_IP: 'External IP',
});

const NETWORK_TEXT = Object.freeze({ PUBLIC: 'public', PRIVATE: 'private' });

/** What a node does with the packet (a hop's trace verdict). */
export const HOP_TEXT = Object.freeze({
  FORWARD: 'forwards it',
  NOT_INTERCEPTED: 'passes it on',
  DROP: 'drops it',
  REJECT: 'refuses it',
  ACCEPT_LOCAL: 'accepts it itself',
});

/** The rules of an answer, by id. */
export function rulesById(answer) {
  const out = new Map();
  for (const rule of answer?.rules ?? []) out.set(rule.id, rule);
  return out;
}

export function verdictText(verdict) {
  return VERDICT_TEXT[verdict] ?? String(verdict ?? 'unknown').toLowerCase();
}

/** The answer's source-IP fate in a few words (summary.sourceIpPreserved). */
export function summarySourceIpText(preserved) {
  if (preserved === true) return "Source IP kept: the backend sees the client's own address.";
  if (preserved === false) return 'Source IP lost: the backend sees another address.';
  if (preserved === 'MIXED') return 'Source IP kept on some ways of addressing, lost on others.';
  return 'Source IP: no connection completes.';
}

/** One address result's source-IP fate (a group's sourceIp). */
export function sourceIpText(sourceIp) {
  if (!sourceIp) return '';
  const seen = sourceIp.seenAs ? ` ${sourceIp.seenAs}` : '';
  const as = { CLIENT: 'the client', NODE: 'a node', LOAD_BALANCER: 'the load balancer' }[sourceIp.seenAsKind] ?? null;
  if (sourceIp.preserved === true) return `source IP kept (the backend sees${seen || ' the client'})`;
  if (sourceIp.preserved === false) return `source IP lost (the backend sees${seen}${as ? `, ${as}` : ''})`;
  return 'no connection completes';
}

export function cellSourceIpText(preserved) {
  if (preserved === true) return 'source IP kept';
  if (preserved === false) return 'source IP lost';
  return 'source IP: no connection';
}

/** "192.168.0.12:30000 (node-3)" for each address a group shows, and how many it holds. */
export function groupAddresses(group) {
  const shown = (group.addresses ?? []).map(
    (a) => `${a.address}:${a.port ?? group.port}${a.node ? ` (${a.node})` : ''}`,
  );
  const count = Math.max(group.count ?? shown.length, shown.length);
  return { shown, more: count - shown.length, count };
}

/** The network of a group's addresses (PUBLIC or PRIVATE), or null (ClusterIP, or both). */
export function groupNetwork(group) {
  if (group.network) return group.network;
  const networks = group.networks ?? [...new Set((group.addresses ?? []).map((a) => a.network).filter(Boolean))];
  return networks.length === 1 ? networks[0] : null;
}

/** "NodePort, private IP" / "ClusterIP" / "Load balancer, public IP". */
export function groupKindText(group) {
  const kind = KIND_TEXT[group.kind] ?? group.kind;
  const network = NETWORK_TEXT[groupNetwork(group)];
  return network ? `${kind}, ${network} IP` : kind;
}

/** The nodes a group's addresses belong to (NodePorts), in order, once each. */
export function groupNodes(group) {
  return [...new Set((group.addresses ?? []).map((a) => a.node).filter(Boolean))];
}

/** The client as the question named it, for the first box of every lane. */
export function clientBox(client) {
  if (!client) return { title: 'Client', lines: [] };
  if (client.pod)
    return {
      title: 'Client pod',
      lines: [client.pod, [client.ip, client.node && `on ${client.node}`].filter(Boolean).join(' ')],
    };
  if (client.node) return { title: 'Client node', lines: [`${client.node} (host network)`, client.ip ?? ''] };
  if (client.external) {
    const where = client.external.network === 'PUBLIC' ? 'the internet' : 'the VPC network';
    return { title: 'Client outside', lines: [`on ${where}`, client.external.ip ?? ''] };
  }
  if (client.ip) return { title: 'Source', lines: [client.ip] };
  return { title: 'Client', lines: [] };
}

function stationOf(at, index, hopVerdicts) {
  const base = { key: `s${index}`, at, steps: [] };
  if (at.startsWith('node/')) {
    const node = at.slice('node/'.length);
    const hop = hopVerdicts.get(node) ?? null;
    return {
      ...base,
      kind: 'node',
      node,
      title: node,
      subtitle: hop ? `kube-proxy ${HOP_TEXT[hop] ?? hop.toLowerCase()}` : 'kube-proxy',
      hop,
    };
  }
  if (at.startsWith('lb/'))
    return { ...base, kind: 'lb', node: null, title: 'Load balancer', subtitle: at.slice('lb/'.length), hop: null };
  if (at === 'cloud/eip')
    return { ...base, kind: 'eip', node: null, title: 'Elastic IP', subtitle: 'the cloud translates it', hop: null };
  return { ...base, kind: 'other', node: null, title: at, subtitle: '', hop: null };
}

/** The address translation a station applies: the first step's "before", the last step's "after". */
function translationOf(steps) {
  const moved = steps.filter((s) => s.before || s.after);
  if (moved.length === 0) return null;
  return { before: moved[0].before ?? null, after: moved[moved.length - 1].after ?? null };
}

/**
 * The hops of a path: consecutive steps at the same place (`client`, `node/<name>`, `lb/<ip>`,
 * `cloud/eip`) make one box, after a first box for the client. Each box names the rule that
 * decided there: the answer's deciding rule where it acted (the last box it acted in), else the
 * step that translated the address, else the last step. A box fails when its node drops or
 * refuses the packet, or when the answer's deciding rule acted there and the answer fails.
 */
export function stationsOf(path, { client, hops = [], decidingRule = null, verdict = null } = {}) {
  const hopVerdicts = new Map();
  for (const hop of hops) if (!hopVerdicts.has(hop.node)) hopVerdicts.set(hop.node, hop.verdict);
  const box = clientBox(client);
  const stations = [
    {
      key: 'client',
      at: 'client',
      kind: 'client',
      node: client?.node ?? null,
      title: box.title,
      subtitle: box.lines.filter(Boolean).join(' · '),
      lines: box.lines,
      hop: null,
      steps: [],
    },
  ];
  for (const step of path ?? []) {
    const last = stations[stations.length - 1];
    if (last.at === step.at) {
      last.steps.push(step);
      continue;
    }
    const station = stationOf(step.at, stations.length, hopVerdicts);
    station.steps.push(step);
    stations.push(station);
  }
  let decidedAt = -1;
  if (decidingRule)
    stations.forEach((s, i) => {
      if (s.steps.some((step) => step.rule === decidingRule)) decidedAt = i;
    });
  return stations.map((s, i) => {
    const translation = translationOf(s.steps);
    const moved = s.steps.filter((step) => step.before || step.after);
    const rule =
      i === decidedAt
        ? decidingRule
        : moved.length > 0
          ? moved[moved.length - 1].rule
          : s.steps.length > 0
            ? s.steps[s.steps.length - 1].rule
            : null;
    let outcome = 'PASSES';
    if (s.hop === 'DROP' || s.hop === 'REJECT') outcome = 'FAILS';
    else if (i === decidedAt && verdict === 'UNREACHABLE') outcome = 'FAILS';
    else if (i === decidedAt && verdict === 'PARTIAL') outcome = 'PARTIAL';
    return { ...s, translation, rule, outcome, decides: i === decidedAt };
  });
}

/** "a → b" for a packet's addresses. */
export function packetText(p) {
  return p ? `${p.source} → ${p.destination}` : '';
}

/** A destination after DNAT: one address, or "3 endpoints" for a list of them. */
function destinationText(d) {
  const list = String(d ?? '')
    .split(', ')
    .filter(Boolean);
  return list.length > 1 ? `${list.length} endpoints` : (list[0] ?? '');
}

const sourceText = (x) => (x === '*' ? 'any client' : x);

/**
 * A hop's address translation in two short lines, what the packet is sent to and where it comes
 * from, each before → after (or "kept"). The details panel shows the full before/after.
 */
export function translationLines(t) {
  if (!t || (!t.before && !t.after)) return ['no address translation'];
  const b = t.before ?? t.after;
  const a = t.after ?? t.before;
  return [
    b.destination === a.destination
      ? `to ${b.destination} (kept)`
      : `to ${b.destination} → ${destinationText(a.destination)}`,
    b.source === a.source
      ? `from ${sourceText(b.source)} (kept)`
      : `from ${sourceText(b.source)} → ${sourceText(a.source)}`,
  ];
}

function endpointsOf(list) {
  return (list ?? []).map((e, i) => ({
    key: `e${i}`,
    ...e,
    title: e.pod ?? e.ip,
    subtitle: `${e.ip}:${e.port}${e.node ? ` on ${e.node}` : ''}`,
    outcome: e.outcome ?? 'CONNECTS',
  }));
}

function nodesText(nodes, count) {
  const shown = nodes.slice(0, 3).join(', ');
  const more = Math.max(count ?? nodes.length, nodes.length) - Math.min(nodes.length, 3);
  return more > 0 ? `${shown} +${more} more` : shown;
}

/**
 * One lane of the diagram for a group of ways of addressing: the client, the hops of its path,
 * then its endpoints. With load-balancer deliveries, each delivery (the nodes the load balancer
 * sends to, with one outcome) is a box of its own before its endpoints; the path's hops on a
 * delivery's node are folded into that box.
 */
export function laneOfGroup(group, client) {
  const stations = stationsOf(group.path, {
    client,
    hops: group.hops,
    decidingRule: group.rule,
    verdict: group.verdict,
  });
  let head = stations;
  let branches = [
    { box: null, endpoints: endpointsOf(group.endpoints), hidden: hiddenCount(group.endpointCount, group.endpoints) },
  ];
  if (Array.isArray(group.deliveries) && group.deliveries.length > 0) {
    const lb = stations.findIndex((s) => s.kind === 'lb');
    const tail = lb >= 0 ? stations.slice(lb + 1) : stations.slice(1).filter((s) => s.kind === 'node');
    const folded = new Set();
    branches = group.deliveries.map((d, i) => {
      const mine = tail.filter((s) => s.kind === 'node' && d.nodes.includes(s.node));
      mine.forEach((s) => folded.add(s));
      const steps = mine.flatMap((s) => s.steps);
      const fails =
        d.verdict === 'DROP' ||
        d.verdict === 'REJECT' ||
        (d.endpoints.length > 0 && d.endpoints.every((e) => e.outcome === 'FAILS'));
      const some = d.endpoints.some((e) => e.outcome === 'FAILS');
      const decider = mine.find((s) => s.decides);
      return {
        box: {
          key: `d${i}`,
          at: 'delivery',
          kind: 'delivery',
          node: d.nodes[0] ?? null,
          title: nodesText(d.nodes, d.nodeCount),
          subtitle: `kube-proxy ${HOP_TEXT[d.verdict] ?? String(d.verdict).toLowerCase()}`,
          hop: d.verdict,
          steps,
          nodes: d.nodes,
          translation: translationOf(steps),
          rule:
            decider?.rule ??
            mine[mine.length - 1]?.rule ??
            d.endpoints.find((e) => e.outcome === 'FAILS')?.rule ??
            null,
          outcome: fails ? 'FAILS' : some ? 'PARTIAL' : 'PASSES',
          decides: Boolean(decider),
        },
        endpoints: endpointsOf(d.endpoints).map((e) => ({ ...e, key: `d${i}${e.key}` })),
        hidden: hiddenCount(d.endpointCount, d.endpoints),
      };
    });
    head = stations.filter((s) => !folded.has(s));
  }
  return {
    id: group.id,
    kind: group.kind,
    network: groupNetwork(group),
    verdict: group.verdict,
    nodes: groupNodes(group),
    stations: head,
    branches,
  };
}

/** One lane for a trace: its steps, the node that processed the packet, its endpoints. */
export function laneOfTrace(trace, client) {
  const firstFail = (trace.endpoints ?? []).find((e) => e.outcome === 'FAILS' && e.rule);
  const steps = trace.steps ?? [];
  const decidingRule = firstFail?.rule ?? (steps.length ? steps[steps.length - 1].rule : null);
  const verdict = trace.summary?.verdict ?? null;
  const stations = stationsOf(steps, {
    client,
    hops: trace.node ? [{ node: trace.node, verdict: trace.verdict }] : [],
    decidingRule,
    verdict,
  });
  return {
    id: 'trace',
    kind: trace.service?.via ?? 'TRACE',
    network: null,
    verdict,
    nodes: trace.node ? [trace.node] : [],
    stations,
    branches: [
      {
        box: null,
        endpoints: endpointsOf(trace.endpoints),
        hidden: 0,
        empty: TRACE_EMPTY[trace.verdict] ?? NO_BACKEND,
      },
    ],
  };
}

/** What stands for the endpoints when a path reaches none. */
const NO_BACKEND = Object.freeze({ title: 'No backend receives it', text: 'the connection fails', outcome: 'FAILS' });
const TRACE_EMPTY = Object.freeze({
  NOT_INTERCEPTED: { title: 'Not intercepted', text: 'it travels on unmodified', outcome: 'PASSES' },
  ACCEPT_LOCAL: { title: 'Accepted by the node', text: 'a listener on the node takes it', outcome: 'CONNECTS' },
});

function hiddenCount(count, shown) {
  const total = count?.total ?? shown?.length ?? 0;
  return Math.max(0, total - (shown?.length ?? 0));
}

/** Cuts text to fit `width` as `measure` measures it, ending with an ellipsis when cut. */
export function fit(text, width, measure) {
  const value = String(text ?? '');
  if (measure(value) <= width) return value;
  let lo = 0;
  let hi = value.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${value.slice(0, mid)}…`) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${value.slice(0, lo)}…`;
}

export const SIZES = Object.freeze({
  clientW: 164,
  stationW: 268,
  minStationW: 196,
  endpointW: 200,
  stationH: 104,
  endpointH: 60,
  gapX: 30,
  gapY: 12,
  pad: 6,
  indent: 18,
  vGap: 26,
});

/**
 * Where every box of a lane goes. Horizontal: one column per hop, then the deliveries, then
 * the endpoints stacked; hop boxes narrow (down to minStationW) to fit `width`. Vertical (narrow
 * screens): everything stacked, `width` wide, branches indented.
 * Returns { width, height, boxes: [{ key, x, y, w, h, role, item }], edges: [{ from, to, outcome, shape }] }.
 */
export function layoutLane(lane, { vertical = false, width = 1200 } = {}) {
  const S = SIZES;
  const boxes = [];
  const edges = [];
  const withBox = lane.branches.some((b) => b.box);
  if (!vertical) {
    const wide = lane.stations.length - 1 + (withBox ? 1 : 0);
    const columns = lane.stations.length + (withBox ? 1 : 0) + 1;
    const natural = S.pad * 2 + S.clientW + wide * S.stationW + S.endpointW + (columns - 1) * S.gapX;
    const stationW =
      wide > 0 && natural > width
        ? Math.max(S.minStationW, S.stationW - Math.ceil((natural - width) / wide))
        : S.stationW;
    let x = S.pad;
    const endpointsH = lane.branches.reduce((sum, b, i) => sum + blockH(b) + (i > 0 ? S.gapY * 2 : 0), 0);
    const height = Math.max(S.stationH, endpointsH) + S.pad * 2;
    const stationY = (height - S.stationH) / 2;
    for (const s of lane.stations) {
      const w = s.kind === 'client' ? S.clientW : stationW;
      boxes.push({ key: s.key, x, y: stationY, w, h: S.stationH, role: 'hop', item: s });
      x += w + S.gapX;
    }
    const branchX = x;
    const endpointX = withBox ? x + stationW + S.gapX : x;
    let y = S.pad + (height - S.pad * 2 - endpointsH) / 2;
    const last = boxes[boxes.length - 1];
    lane.branches.forEach((b, i) => {
      if (i > 0) y += S.gapY * 2;
      const h = blockH(b);
      let from = last;
      if (b.box) {
        const box = {
          key: b.box.key,
          x: branchX,
          y: y + (h - S.stationH) / 2,
          w: stationW,
          h: S.stationH,
          role: 'hop',
          item: b.box,
        };
        boxes.push(box);
        edges.push({ from: last.key, to: box.key, outcome: b.box.outcome, shape: 'h' });
        from = box;
      }
      let ey = y + (h - endpointsOnlyH(b)) / 2;
      for (const e of b.endpoints) {
        boxes.push({ key: e.key, x: endpointX, y: ey, w: S.endpointW, h: S.endpointH, role: 'endpoint', item: e });
        edges.push({ from: from.key, to: e.key, outcome: e.outcome, shape: 'h' });
        ey += S.endpointH + S.gapY;
      }
      if (b.hidden > 0)
        boxes.push({
          key: `${b.box?.key ?? 'b'}more`,
          x: endpointX,
          y: ey,
          w: S.endpointW,
          h: 20,
          role: 'more',
          item: { hidden: b.hidden },
        });
      if (b.endpoints.length === 0 && b.hidden === 0) {
        const key = `${b.box?.key ?? 'b'}none`;
        const item = { key, ...(b.empty ?? NO_BACKEND) };
        boxes.push({ key, x: endpointX, y: ey, w: S.endpointW, h: S.endpointH, role: 'none', item });
        edges.push({ from: from.key, to: key, outcome: item.outcome, shape: 'h' });
      }
      y += h;
    });
    const right = boxes.reduce((m, b) => Math.max(m, b.x + b.w), 0);
    const chain = lane.stations
      .slice(1)
      .map((s, i) => ({ from: lane.stations[i].key, to: s.key, outcome: s.outcome, shape: 'h' }));
    return { width: right + S.pad, height, boxes, edges: [...chain, ...edges] };
  }
  const w = Math.max(220, width) - S.pad * 2;
  let y = S.pad;
  for (const s of lane.stations) {
    boxes.push({ key: s.key, x: S.pad, y, w, h: S.stationH, role: 'hop', item: s });
    y += S.stationH + S.vGap;
  }
  for (let i = 1; i < lane.stations.length; i++)
    edges.push({
      from: lane.stations[i - 1].key,
      to: lane.stations[i].key,
      outcome: lane.stations[i].outcome,
      shape: 'v',
    });
  const last = boxes[boxes.length - 1];
  for (const b of lane.branches) {
    let from = last;
    let indent = S.indent;
    if (b.box) {
      const box = { key: b.box.key, x: S.pad + indent, y, w: w - indent, h: S.stationH, role: 'hop', item: b.box };
      boxes.push(box);
      edges.push({ from: last.key, to: box.key, outcome: b.box.outcome, shape: 'elbow' });
      from = box;
      indent += S.indent;
      y += S.stationH + S.gapY;
    }
    for (const e of b.endpoints) {
      boxes.push({ key: e.key, x: S.pad + indent, y, w: w - indent, h: S.endpointH, role: 'endpoint', item: e });
      edges.push({ from: from.key, to: e.key, outcome: e.outcome, shape: 'elbow' });
      y += S.endpointH + S.gapY;
    }
    if (b.hidden > 0) {
      boxes.push({
        key: `${b.box?.key ?? 'b'}more`,
        x: S.pad + indent,
        y,
        w: w - indent,
        h: 20,
        role: 'more',
        item: { hidden: b.hidden },
      });
      y += 20 + S.gapY;
    }
    if (b.endpoints.length === 0 && b.hidden === 0) {
      const key = `${b.box?.key ?? 'b'}none`;
      const item = { key, ...(b.empty ?? NO_BACKEND) };
      boxes.push({ key, x: S.pad + indent, y, w: w - indent, h: S.endpointH, role: 'none', item });
      edges.push({ from: from.key, to: key, outcome: item.outcome, shape: 'elbow' });
      y += S.endpointH + S.gapY;
    }
    y += S.gapY;
  }
  return { width: w + S.pad * 2, height: y, boxes, edges };
}

/** The height of a branch's endpoints (or of its "no backend" box). */
function endpointsOnlyH(b) {
  const n = b.endpoints.length;
  if (n === 0 && b.hidden === 0) return SIZES.endpointH;
  return n * SIZES.endpointH + Math.max(0, n - 1) * SIZES.gapY + (b.hidden > 0 ? (n > 0 ? SIZES.gapY : 0) + 20 : 0);
}

function blockH(b) {
  return Math.max(b.box ? SIZES.stationH : 0, endpointsOnlyH(b));
}

/** The matrix cell for a (row, column) pair named by the row's client name and the column's id. */
export function matrixCell(matrix, clientName, columnId) {
  const col = (matrix.columns ?? []).findIndex((c) => c.id === columnId);
  const row = (matrix.rows ?? []).find((r) => r.client.name === clientName);
  return col < 0 || !row ? null : (row.cells[col] ?? null);
}
