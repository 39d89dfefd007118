// The /ui page: pick a cluster, a client and a Service (or type a packet), and read the answer as
// a sentence, a diagram, a colour grid and traffic bars. It talks only to this server's REST API,
// with the API key the person pasted (kept in this tab's sessionStorage, nowhere else).
import {
  groupAddresses,
  groupKindText,
  laneOfGroup,
  laneOfTrace,
  packetText,
  rulesById,
  sourceIpText,
  summarySourceIpText,
  verdictText,
} from './answer.js';
import { renderLane } from './diagram.js';
import { activate, fill, h } from './dom.js';
import { columnAddresses, renderMatrix } from './matrix.js';

const KEY_SLOT = 'svcpath.apiKey';
const PAGE = 500;
const MAX_PAGES = 20;
const NARROW = 640;

const $ = (id) => document.getElementById(id);
const ui = {
  keyForm: $('key-form'),
  key: $('api-key'),
  forget: $('forget-key'),
  cluster: $('cluster'),
  modeService: $('mode-service'),
  modeTrace: $('mode-trace'),
  reachForm: $('reach-form'),
  clientKind: $('client-kind'),
  client: $('client'),
  clientField: $('client-field'),
  clientIpField: $('client-ip-field'),
  clientIp: $('client-ip'),
  service: $('service'),
  port: $('port'),
  ask: $('ask'),
  traceForm: $('trace-form'),
  traceSource: $('trace-source'),
  traceSources: $('trace-sources'),
  traceDestination: $('trace-destination'),
  traceProtocol: $('trace-protocol'),
  traceNode: $('trace-node'),
  trace: $('trace'),
  status: $('status'),
  results: $('results'),
  summary: $('summary'),
  badge: $('verdict-badge'),
  summaryText: $('summary-text'),
  summaryIp: $('summary-source-ip'),
  path: $('path'),
  lanes: $('lanes'),
  shares: $('shares'),
  sharesFacts: $('shares-facts'),
  shareBars: $('share-bars'),
  sharesRules: $('shares-rules'),
  matrix: $('matrix'),
  grid: $('matrix-grid'),
  details: $('details'),
  detailsHeading: $('details-heading'),
  detailsBody: $('details-body'),
  detailsClose: $('details-close'),
  tip: $('tip'),
};

const state = {
  key: null,
  clusters: [],
  clusterId: null,
  pods: [],
  nodes: [],
  services: [],
  /** What is on screen: { lanes, rules, matrixRules, vertical, width }. */
  shown: null,
  opener: null,
  /** Bumped by every question and cluster choice: a late answer to an older one is dropped. */
  ticket: 0,
};

// ------------------------------------------------------------------ the API

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, { method = 'GET', body } = {}) {
  if (!state.key) throw new ApiError(401, 'paste an API key first');
  const headers = { authorization: `Bearer ${state.key}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    referrerPolicy: 'no-referrer',
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const detail = json?.detail ?? json?.title ?? res.statusText;
    throw new ApiError(res.status, `${res.status} ${json?.title ?? ''}: ${detail}`.replace(/\s+:/, ':'));
  }
  return json;
}

/** Every item of a paged list (at most MAX_PAGES pages of PAGE). */
async function listAll(path) {
  const items = [];
  let cursor = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (cursor) q.set('cursor', cursor);
    const res = await api(`${path}?${q}`);
    items.push(...(res.items ?? []));
    cursor = res.nextCursor ?? null;
    if (!cursor) return { items, complete: true };
  }
  return { items, complete: false };
}

const clusterPath = (suffix = '') => `/v1/clusters/${encodeURIComponent(state.clusterId)}${suffix}`;

// ------------------------------------------------------------------ status and key

function say(text, kind = 'info') {
  ui.status.textContent = text;
  ui.status.dataset.kind = kind;
}

function readKey() {
  try {
    return sessionStorage.getItem(KEY_SLOT);
  } catch {
    return null;
  }
}

function keepKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_SLOT, key);
    else sessionStorage.removeItem(KEY_SLOT);
  } catch {
    /* storage off: the key stays in memory only */
  }
}

function options(select, list, { placeholder } = {}) {
  fill(
    select,
    placeholder ? h('option', { value: '', text: placeholder }) : null,
    list.map((o) => h('option', { value: o.value, text: o.label, 'data-label': o.label })),
  );
}

async function useKey(key) {
  state.key = key;
  keepKey(key);
  say('Loading clusters…');
  try {
    const { items } = await listAll('/v1/clusters');
    state.clusters = items;
    options(
      ui.cluster,
      items.map((c) => ({ value: c.id, label: `${c.name} (${c.profile})` })),
      { placeholder: items.length ? 'Choose a cluster' : 'No cluster yet' },
    );
    ui.cluster.disabled = items.length === 0;
    say(items.length ? `${items.length} cluster(s). Choose one.` : "This key's tenant has no cluster yet.");
    if (items.length === 1) {
      ui.cluster.value = items[0].id;
      await chooseCluster(items[0].id);
    }
  } catch (e) {
    ui.cluster.disabled = true;
    say(
      e.status === 401 ? 'The server did not accept this API key.' : `Could not load clusters: ${e.message}`,
      'error',
    );
  }
}

// ------------------------------------------------------------------ choosing

async function chooseCluster(id) {
  const ticket = ++state.ticket;
  state.clusterId = id || null;
  state.pods = [];
  state.nodes = [];
  state.services = [];
  for (const el of [ui.client, ui.service, ui.port, ui.ask, ui.trace]) el.disabled = true;
  if (!id) return;
  say("Loading the cluster's pods, nodes and Services…");
  try {
    const [pods, nodes, services] = await Promise.all([
      listAll(clusterPath('/pods')),
      listAll(clusterPath('/nodes')),
      listAll(clusterPath('/services')),
    ]);
    if (ticket !== state.ticket) return;
    state.pods = pods.items;
    state.nodes = nodes.items;
    state.services = services.items;
    options(
      ui.service,
      state.services.map((s) => ({ value: `${s.namespace}/${s.name}`, label: `${s.namespace}/${s.name} (${s.type})` })),
      { placeholder: 'Choose a Service' },
    );
    ui.service.disabled = state.services.length === 0;
    options(
      ui.traceNode,
      state.nodes.map((n) => ({ value: n.name, label: n.name })),
      { placeholder: "the source's own node" },
    );
    fill(
      ui.traceSources,
      state.pods.map((p) => h('option', { value: `${p.namespace}/${p.name}` })),
    );
    fillClients();
    fillPorts();
    ui.trace.disabled = false;
    const partial = [pods, nodes, services].some((l) => !l.complete) ? ` (lists cut at ${PAGE * MAX_PAGES})` : '';
    say(`${state.nodes.length} node(s), ${state.pods.length} pod(s), ${state.services.length} Service(s)${partial}.`);
  } catch (e) {
    if (ticket === state.ticket) say(`Could not load the cluster: ${e.message}`, 'error');
  }
  updateAsk();
}

function fillClients() {
  const kind = ui.clientKind.value;
  const outside = kind === 'PUBLIC' || kind === 'PRIVATE';
  ui.clientField.hidden = outside;
  ui.clientIpField.hidden = !outside;
  if (kind === 'pod') {
    options(
      ui.client,
      state.pods.map((p) => ({
        value: `${p.namespace}/${p.name}`,
        label: `${p.namespace}/${p.name}${p.nodeName ? ` (${p.nodeName})` : ''}`,
      })),
      { placeholder: 'Choose a pod' },
    );
  } else if (kind === 'node') {
    options(
      ui.client,
      state.nodes.map((n) => ({ value: n.name, label: `${n.name} (${(n.internalIps ?? [])[0] ?? 'no IP'})` })),
      { placeholder: 'Choose a node' },
    );
  }
  ui.client.disabled = outside || !state.clusterId;
  updateAsk();
}

function fillPorts() {
  const svc = state.services.find((s) => `${s.namespace}/${s.name}` === ui.service.value);
  options(
    ui.port,
    (svc?.ports ?? []).map((p) => ({
      value: String(p.port),
      label: `${p.name ? `${p.name}: ` : ''}${p.port}/${p.protocol ?? 'TCP'}`,
    })),
    { placeholder: 'all ports' },
  );
  ui.port.disabled = !svc;
}

function updateAsk() {
  const outside = ui.clientKind.value === 'PUBLIC' || ui.clientKind.value === 'PRIVATE';
  ui.ask.disabled = !state.clusterId || !ui.service.value || (!outside && !ui.client.value);
}

/** The question's client, as the API takes it, with what the client box shows. */
function chosenClient() {
  const kind = ui.clientKind.value;
  if (kind === 'pod') {
    const pod = state.pods.find((p) => `${p.namespace}/${p.name}` === ui.client.value);
    return {
      request: { pod: ui.client.value },
      show: { pod: ui.client.value, ip: pod?.ips?.[0], node: pod?.nodeName },
    };
  }
  if (kind === 'node') {
    const node = state.nodes.find((n) => n.name === ui.client.value);
    return { request: { node: ui.client.value }, show: { node: ui.client.value, ip: node?.internalIps?.[0] } };
  }
  const ip = ui.clientIp.value.trim();
  const external = { network: kind, ...(ip ? { ip } : {}) };
  return { request: { external }, show: { external } };
}

// ------------------------------------------------------------------ asking

function busy(on) {
  ui.results.setAttribute('aria-busy', on ? 'true' : 'false');
  if (on) ui.results.dataset.answer = 'loading';
}

async function askReachability() {
  const client = chosenClient();
  const service = ui.service.value;
  const [namespace, name] = service.split('/');
  const body = { client: client.request, service, ...(ui.port.value ? { port: Number(ui.port.value) } : {}) };
  const ticket = ++state.ticket;
  busy(true);
  say(`Asking whether the client reaches ${service}…`);
  try {
    const [answer, matrix] = await Promise.all([
      api(clusterPath('/reachability'), { method: 'POST', body }),
      api(clusterPath(`/services/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/matrix`)).catch((e) => ({
        error: e,
      })),
    ]);
    if (ticket !== state.ticket) return;
    showReachability(answer, client.show);
    showMatrix(matrix, client);
    ui.results.dataset.answer = 'reachability';
    say(`Answered: ${verdictText(answer.summary?.verdict)}.`);
  } catch (e) {
    if (ticket !== state.ticket) return;
    ui.results.dataset.answer = 'error';
    say(`The question failed: ${e.message}`, 'error');
  } finally {
    if (ticket === state.ticket) busy(false);
  }
}

/** "10.0.0.1:80" or "[fd00::1]:80" → { ip, port }. */
function parseDestination(text) {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text.trim()) ?? /^([^:]+):(\d+)$/.exec(text.trim());
  return m ? { ip: m[1], port: Number(m[2]) } : null;
}

async function askTrace() {
  const source = ui.traceSource.value.trim();
  const destination = parseDestination(ui.traceDestination.value);
  if (!source || !destination) {
    say('Type a source (a pod as namespace/name, or an IP) and a destination as IP:port.', 'error');
    return;
  }
  const isPod = source.includes('/');
  const pod = isPod
    ? state.pods.find((p) => `${p.namespace}/${p.name}` === source)
    : state.pods.find((p) => (p.ips ?? []).includes(source));
  const node = isPod ? null : state.nodes.find((n) => (n.internalIps ?? []).includes(source));
  const show = pod
    ? { pod: `${pod.namespace}/${pod.name}`, ip: isPod ? pod.ips?.[0] : source, node: pod.nodeName }
    : node
      ? { node: node.name, ip: source }
      : { ip: source };
  const body = {
    source: isPod ? { pod: source } : { ip: source },
    destination: { ...destination, protocol: ui.traceProtocol.value },
    ...(ui.traceNode.value ? { node: ui.traceNode.value } : {}),
  };
  const ticket = ++state.ticket;
  busy(true);
  say(`Tracing ${source} → ${ui.traceDestination.value.trim()}…`);
  try {
    const trace = await api(clusterPath('/trace'), { method: 'POST', body });
    if (ticket !== state.ticket) return;
    showTrace(trace, show);
    ui.results.dataset.answer = 'trace';
    say(`Traced: ${trace.verdict}.`);
  } catch (e) {
    if (ticket !== state.ticket) return;
    ui.results.dataset.answer = 'error';
    say(`The trace failed: ${e.message}`, 'error');
  } finally {
    if (ticket === state.ticket) busy(false);
  }
}

// ------------------------------------------------------------------ showing

function badge(verdict, small = false) {
  return h('span', {
    class: `badge${small ? ' small' : ''}`,
    'data-verdict': verdict ?? 'UNKNOWN',
    text: verdict ?? 'UNKNOWN',
  });
}

function showSummary(summary) {
  ui.summary.hidden = false;
  ui.badge.dataset.verdict = summary?.verdict ?? 'UNKNOWN';
  ui.badge.textContent = summary?.verdict ?? 'UNKNOWN';
  ui.badge.setAttribute('aria-label', `Verdict: ${verdictText(summary?.verdict)}`);
  ui.summaryText.textContent = summary?.text ?? '';
  ui.summaryIp.textContent = summary ? summarySourceIpText(summary.sourceIpPreserved) : '';
}

function ruleButton(id, label = id) {
  const b = h('button', { type: 'button', class: 'rule-link', 'data-rule': id, text: label });
  activate(b, (event) => {
    event.preventDefault();
    openRule(id, b);
  });
  return b;
}

function laneHeader(lane, group, index) {
  const { shown, more } = groupAddresses(group);
  const ec = group.endpointCount;
  return h(
    'div',
    { class: 'lane-head' },
    badge(group.verdict, true),
    h('h3', { id: `lane-${index}-title`, text: groupKindText(group) }),
    h('span', { class: 'addresses', text: `${shown.join(', ')}${more > 0 ? ` +${more} more` : ''}` }),
    h('span', { class: 'fate', text: sourceIpText(group.sourceIp) }),
    ec ? h('span', { class: 'count', text: `${ec.connects} of ${ec.total} backend(s) connect` }) : null,
    group.missingFact ? h('span', { class: 'missing', text: `unknown: the model lacks ${group.missingFact}` }) : null,
  );
}

function suggestionsOf(group) {
  if (!group.suggestions?.length) return null;
  return h(
    'div',
    { class: 'suggestions' },
    h('p', { class: 'label', text: 'What would change it:' }),
    h(
      'ul',
      {},
      group.suggestions.map((s) =>
        h(
          'li',
          { 'data-code': s.code },
          h('span', { text: s.message }),
          s.expected
            ? h('span', {
                class: 'expected',
                text: ` Then: ${verdictText(s.expected.verdict)}${s.expected.sourceIpPreserved === false ? ', source IP lost' : s.expected.sourceIpPreserved === true ? ', source IP kept' : ''}.`,
              })
            : null,
        ),
      ),
    ),
  );
}

function drawLanes() {
  const shown = state.shown;
  if (!shown) return;
  const width = ui.lanes.clientWidth || 800;
  const vertical = width < NARROW;
  const focused = document.activeElement?.closest?.('[data-lane] [data-key]');
  const focusKey = focused ? [focused.closest('[data-lane]').dataset.lane, focused.dataset.key] : null;
  shown.vertical = vertical;
  shown.width = width;
  fill(
    ui.lanes,
    shown.lanes.map(({ lane, group, header }, i) => {
      const svg = renderLane(lane, {
        vertical,
        width: width - 22,
        label: `Path for ${header ? groupKindText(group) : 'the packet'}`,
        open: (kind, item, el) => openItem(kind, item, el, lane),
        hover: (item, el, how) => showTip(item, el, how),
      });
      return h(
        'section',
        {
          class: 'lane',
          'data-lane': lane.id,
          'data-group': lane.id,
          'data-kind': lane.kind,
          'data-network': lane.network ?? undefined,
          'data-verdict': lane.verdict,
          'data-nodes': lane.nodes.join(' '),
          'aria-labelledby': `lane-${i}-title`,
        },
        header
          ? laneHeader(lane, group, i)
          : h(
              'div',
              { class: 'lane-head' },
              badge(lane.verdict, true),
              h('h3', { id: `lane-${i}-title`, text: group.title }),
            ),
        h('div', { class: 'lane-body' }, svg),
        header ? suggestionsOf(group) : null,
      );
    }),
  );
  if (focusKey)
    ui.lanes.querySelector(`[data-lane="${CSS.escape(focusKey[0])}"] [data-key="${CSS.escape(focusKey[1])}"]`)?.focus();
}

function showReachability(answer, client) {
  closeDetails(false);
  showSummary(answer.summary);
  const rules = rulesById(answer);
  const lanes = (answer.groups ?? []).map((group) => ({ lane: laneOfGroup(group, client), group, header: true }));
  state.shown = { lanes, rules, matrixRules: new Map() };
  ui.path.hidden = false;
  drawLanes();
  if (answer.ignoredBy) {
    ui.lanes.prepend(h('p', { class: 'note' }, 'kube-proxy ignores this Service: ', ruleButton(answer.ignoredBy)));
  } else if (lanes.length === 0) {
    ui.lanes.append(h('p', { class: 'note', text: 'No way of addressing this Service applies to this client.' }));
  }
  showShares(answer.affinity, rules);
}

function showTrace(trace, client) {
  closeDetails(false);
  showSummary(trace.summary);
  const rules = rulesById(trace);
  const title = [
    `Packet ${trace.verdict ?? ''} at ${trace.node ?? 'its node'}`,
    trace.connection ? `connection ${trace.connection}` : null,
    trace.service ? `${trace.service.service} (${trace.service.via})` : 'no Service rule matches',
  ]
    .filter(Boolean)
    .join(' · ');
  state.shown = {
    lanes: [{ lane: laneOfTrace(trace, client), group: { title }, header: false }],
    rules,
    matrixRules: new Map(),
  };
  ui.path.hidden = false;
  drawLanes();
  ui.shares.hidden = true;
  ui.matrix.hidden = true;
}

function showShares(affinity, rules) {
  const shares = affinity?.shares ?? [];
  ui.shares.hidden = shares.length === 0;
  if (shares.length === 0) return;
  const facts = [
    `externalTrafficPolicy ${affinity.policy} (port ${affinity.port}/${affinity.protocol}):`,
    affinity.sourceIpPreserved ? 'source IP kept;' : 'source IP lost;',
    affinity.extraHop ? 'a request may be sent on to another node;' : 'no extra hop;',
    affinity.balance === 'BALANCED' ? 'traffic is balanced.' : 'risk of unbalanced traffic.',
    affinity.servingNodes?.length ? `Nodes that serve it from outside: ${affinity.servingNodes.join(', ')}.` : '',
  ];
  ui.sharesFacts.textContent = facts.filter(Boolean).join(' ');
  fill(
    ui.shareBars,
    shares.map((s) => {
      const pct = Math.round(s.share * 1000) / 10;
      const bar = h('span', { class: 'fill' });
      bar.style.width = `${Math.max(0, Math.min(100, s.share * 100))}%`;
      return h(
        'li',
        { 'data-pod': s.pod ?? s.ip, 'data-share': String(s.share), 'data-node': s.node ?? undefined },
        h(
          'span',
          { class: 'share-label' },
          h('span', { class: 'pod', text: s.pod ?? s.ip }),
          h('span', { class: 'where', text: s.node ? ` on ${s.node}` : '' }),
        ),
        h('span', { class: 'bar', role: 'img', 'aria-label': `${s.pod ?? s.ip}: ${pct}% of the traffic` }, bar),
        h('span', { class: 'share-value', text: `${pct}%` }),
      );
    }),
  );
  fill(
    ui.sharesRules,
    (affinity.rules ?? []).length
      ? [
          h('span', { class: 'label', text: 'Rules: ' }),
          (affinity.rules ?? []).map((id) => ruleButton(typeof id === 'string' ? id : id.id)),
        ]
      : [],
  );
  state.shown.rules = new Map([
    ...rules,
    ...(affinity.rules ?? []).filter((r) => typeof r === 'object').map((r) => [r.id, r]),
  ]);
}

function showMatrix(matrix, client) {
  if (!matrix || matrix.error) {
    ui.matrix.hidden = false;
    fill(
      ui.grid,
      h('caption', {
        class: 'error',
        text: `The matrix could not be loaded: ${matrix?.error?.message ?? 'no answer'}`,
      }),
    );
    return;
  }
  ui.matrix.hidden = false;
  state.shown.matrixRules = rulesById(matrix);
  const pod = client.show.pod ? state.pods.find((p) => `${p.namespace}/${p.name}` === client.show.pod) : null;
  const asked = (row) => {
    const nodes = row.nodes ?? (row.node ? [row.node] : []);
    if (client.show.pod)
      return (
        row.kind === 'POD' && (row.name === client.show.pod || (pod?.nodeName ? nodes.includes(pod.nodeName) : false))
      );
    if (client.show.node)
      return row.kind === 'NODE' && (row.name === client.show.node || nodes.includes(client.show.node));
    return row.kind === 'EXTERNAL' && row.name === client.show.external?.network;
  };
  renderMatrix(ui.grid, matrix, {
    asked,
    open: (cell, row, col, td) => openCell(cell, row, col, td),
  });
}

// ------------------------------------------------------------------ details and tooltip

function ruleOf(id) {
  return state.shown?.rules.get(id) ?? state.shown?.matrixRules.get(id) ?? null;
}

function ruleBlock(id, heading = 'Deciding rule') {
  if (!id)
    return h('p', { class: 'hint', text: 'No rule decided this on its own: nothing here stops the connection.' });
  const rule = ruleOf(id);
  if (!rule)
    return h(
      'div',
      { class: 'rule', 'data-rule-id': id },
      h('h3', { text: heading }),
      h('p', {}, h('code', { text: id })),
      h('p', { class: 'hint', text: "This rule is not in the answer's rules table." }),
    );
  return h(
    'div',
    { class: 'rule', 'data-rule-id': id },
    h('h3', { text: heading }),
    h(
      'p',
      { class: 'rule-id' },
      h('code', { text: rule.id }),
      ' ',
      h('span', { class: 'tag', text: rule.inferred ? 'inference' : 'documented fact' }),
    ),
    h('p', { class: 'statement', text: rule.statement }),
    rule.evidence?.length
      ? h(
          'div',
          { class: 'evidence' },
          h('p', { class: 'label', text: 'Evidence' }),
          h(
            'ul',
            {},
            rule.evidence.map((e) =>
              h('li', {}, h('code', { text: e.source }), e.case ? h('span', { text: ` — ${e.case}` }) : null),
            ),
          ),
        )
      : null,
    rule.profiles?.length ? h('p', { class: 'hint', text: `Profiles: ${rule.profiles.join(', ')}` }) : null,
  );
}

function dl(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .flatMap(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })]),
  );
}

function openDetails(title, content, opener) {
  hideTip();
  state.opener = opener ?? null;
  ui.detailsHeading.textContent = title;
  fill(ui.detailsBody, content);
  ui.details.hidden = false;
  ui.details.dataset.open = 'true';
  document.body.classList.add('with-details');
}

function closeDetails(refocus = true) {
  if (ui.details.hidden) return;
  ui.details.hidden = true;
  delete ui.details.dataset.open;
  document.body.classList.remove('with-details');
  if (refocus && state.opener?.isConnected) state.opener.focus();
  state.opener = null;
}

function openItem(kind, item, el, lane) {
  if (kind === 'endpoint') {
    openDetails(
      `Backend ${item.title}`,
      [
        dl([
          ['Pod', item.pod ?? '—'],
          ['Address', `${item.ip}:${item.port}`],
          ['Node', item.node ?? '—'],
          ['Connection', item.outcome === 'FAILS' ? 'fails' : 'connects'],
          ['Source address', item.masquerade ? 'masqueraded (the backend sees a node address)' : 'not masqueraded'],
        ]),
        ruleBlock(item.rule, item.outcome === 'FAILS' ? 'Why it fails' : 'Rule'),
      ],
      el,
    );
    return;
  }
  if (kind === 'none') {
    openDetails(
      item.title,
      [
        h('p', { text: `${item.title}: ${item.text}.` }),
        ruleBlock(lane.stations[lane.stations.length - 1]?.rule ?? null, 'Last rule on the path'),
      ],
      el,
    );
    return;
  }
  const steps = item.steps ?? [];
  openDetails(
    item.kind === 'client' ? item.title : `${item.title}${item.subtitle ? `: ${item.subtitle}` : ''}`,
    [
      item.kind === 'client'
        ? dl(item.lines.filter(Boolean).map((l, i) => [i === 0 ? 'Who' : 'Where', l]))
        : dl([
            [
              'What happens',
              {
                PASSES: 'the packet goes on',
                PARTIAL: 'some connections fail here',
                FAILS: 'the connection fails here',
              }[item.outcome],
            ],
            ['Before', item.translation?.before ? packetText(item.translation.before) : 'no address translation'],
            ['After', item.translation?.after ? packetText(item.translation.after) : null],
          ]),
      item.kind === 'client' && steps.length === 0
        ? null
        : ruleBlock(item.rule, item.decides ? 'The rule that decided the answer' : 'Deciding rule here'),
      steps.length
        ? h(
            'div',
            { class: 'steps' },
            h('h3', { text: 'Every step here' }),
            h(
              'ol',
              {},
              steps.map((step) =>
                h(
                  'li',
                  {},
                  h('span', { text: step.description }),
                  ' ',
                  h('span', { class: 'hint' }, '(', ruleButton(step.rule), ')'),
                  step.before || step.after
                    ? h('span', { class: 'nat-line', text: ` ${packetText(step.before)} ⇒ ${packetText(step.after)}` })
                    : null,
                ),
              ),
            ),
          )
        : null,
    ],
    el,
  );
}

function openRule(id, opener) {
  openDetails(`Rule ${id}`, [ruleBlock(id, 'Statement')], opener);
}

function openCell(cell, row, col, td) {
  openDetails(
    `${row.client.label ?? row.client.name} → ${col?.label ?? ''}`,
    [
      dl([
        ['Verdict', verdictText(cell.verdict)],
        [
          'Source IP',
          cell.sourceIpPreserved === true
            ? 'kept'
            : cell.sourceIpPreserved === false
              ? 'lost'
              : 'no connection (or does not apply)',
        ],
        ['Client', row.client.label ?? row.client.name],
        ['Nodes alike', (row.client.nodes ?? []).join(', ')],
        ['Addresses', columnAddresses(col)],
      ]),
      cell.verdict === 'NOT_APPLICABLE'
        ? h('p', { class: 'hint', text: 'This client cannot use this way of addressing.' })
        : ruleBlock(cell.rule),
    ],
    td,
  );
}

let tipAnchor = null;

function showTip(item, el, how = 'pointer') {
  if (!item) {
    hideTip();
    return;
  }
  // A box focused while its details are open needs no tooltip: the panel says more.
  if (how === 'focus' && !ui.details.hidden) return;
  const id = item.rule;
  const rule = id ? ruleOf(id) : null;
  let text;
  if (item.kind === 'client') text = 'The client. Select the next boxes for what happens to its packet.';
  else if (!id) text = item.outcome === 'FAILS' ? 'Fails.' : 'No rule stops it here.';
  else text = `${id}: ${rule?.statement ?? "not in the answer's rules table"}`;
  ui.tip.textContent = text;
  ui.tip.dataset.rule = id ?? '';
  ui.tip.hidden = false;
  tipAnchor = el;
  placeTip();
}

/** Puts the tooltip under its box (above it when there is no room below). */
function placeTip() {
  if (ui.tip.hidden || !tipAnchor?.isConnected) {
    hideTip();
    return;
  }
  const box = tipAnchor.getBoundingClientRect();
  const tip = ui.tip.getBoundingClientRect();
  const left = Math.max(4, Math.min(box.left, window.innerWidth - tip.width - 4));
  const below = box.bottom + 6;
  const top = below + tip.height > window.innerHeight ? Math.max(4, box.top - tip.height - 6) : below;
  ui.tip.style.left = `${left}px`;
  ui.tip.style.top = `${top}px`;
}

function hideTip() {
  ui.tip.hidden = true;
  tipAnchor = null;
}

// ------------------------------------------------------------------ wiring

function setMode() {
  const trace = ui.modeTrace.checked;
  ui.reachForm.hidden = trace;
  ui.traceForm.hidden = !trace;
}

ui.keyForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = ui.key.value.trim();
  if (key) void useKey(key);
});
ui.forget.addEventListener('click', () => {
  state.key = null;
  keepKey(null);
  ui.key.value = '';
  say('The key is forgotten.');
});
ui.cluster.addEventListener('change', () => void chooseCluster(ui.cluster.value));
ui.modeService.addEventListener('change', setMode);
ui.modeTrace.addEventListener('change', setMode);
ui.clientKind.addEventListener('change', fillClients);
ui.client.addEventListener('change', updateAsk);
ui.service.addEventListener('change', () => {
  fillPorts();
  updateAsk();
});
ui.reachForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ui.ask.disabled) void askReachability();
});
ui.traceForm.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!ui.trace.disabled) void askTrace();
});
ui.detailsClose.addEventListener('click', () => closeDetails(true));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') {
    if (!ui.tip.hidden) hideTip();
    closeDetails(true);
  }
});
window.addEventListener('scroll', placeTip, { passive: true });

// Redraw the diagram when its width changes (the boxes fit the width; narrow, they stack).
new ResizeObserver(() => {
  const shown = state.shown;
  if (shown && Math.abs(ui.lanes.clientWidth - shown.width) >= 8) drawLanes();
}).observe(ui.lanes);

setMode();
const saved = readKey();
if (saved) {
  ui.key.value = saved;
  void useKey(saved);
}
document.documentElement.dataset.ready = 'true';
