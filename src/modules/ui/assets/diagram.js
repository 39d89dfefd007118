// The path as an SVG drawn from code: one lane per group of ways of addressing (see answer.js for
// what goes where). Every box is focusable; Enter, Space or a click opens its details.
import { fit, layoutLane, packetText, translationLines } from './answer.js';
import { activate, measurer, s } from './dom.js';

const FONT = '12px system-ui, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif';
const TITLE_FONT = `600 ${FONT}`;
const OUTCOME_TEXT = { PASSES: 'passes', PARTIAL: 'some connections fail here', FAILS: 'fails here' };

/** The SVG path of an edge between two laid-out boxes. */
function edgePath(a, b, shape) {
  if (shape === 'v') {
    const x = a.x + 28;
    return `M ${x} ${a.y + a.h} L ${x} ${b.y - 2}`;
  }
  if (shape === 'elbow') {
    const x = a.x + 12;
    const y = b.y + b.h / 2;
    return `M ${x} ${a.y + a.h} L ${x} ${y} L ${b.x - 2} ${y}`;
  }
  const x1 = a.x + a.w;
  const y1 = a.y + a.h / 2;
  const x2 = b.x - 2;
  const y2 = b.y + b.h / 2;
  const mx = (x1 + x2) / 2;
  return `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}`;
}

function edgeClass(outcome) {
  if (outcome === 'FAILS') return 'fails';
  if (outcome === 'PARTIAL') return 'partial';
  if (outcome === 'CONNECTS') return 'ok';
  return 'plain';
}

function hopLabel(item) {
  const parts = [`${item.title}${item.subtitle ? `, ${item.subtitle}` : ''}`];
  if (item.translation?.before) parts.push(`before: ${packetText(item.translation.before)}`);
  if (item.translation?.after) parts.push(`after: ${packetText(item.translation.after)}`);
  if (item.kind !== 'client') parts.push(OUTCOME_TEXT[item.outcome] ?? '');
  if (item.rule) parts.push(`rule ${item.rule}`);
  return `${parts.filter(Boolean).join('. ')}. Press Enter for details.`;
}

function endpointLabel(item) {
  const outcome = item.outcome === 'FAILS' ? 'connection fails' : 'connects';
  return `Endpoint ${item.title}, ${item.subtitle}: ${outcome}${item.rule ? `, rule ${item.rule}` : ''}. Press Enter for details.`;
}

/**
 * Draws one lane. `options`: vertical, width, and the callbacks open(kind, item) and
 * hover(item | null, element, 'pointer' | 'focus') for the details panel and the rule tooltip.
 */
export function renderLane(lane, { vertical, width, open, hover, label }) {
  const layout = layoutLane(lane, { vertical, width });
  const measure = measurer(FONT);
  const measureTitle = measurer(TITLE_FONT);
  const byKey = new Map(layout.boxes.map((b) => [b.key, b]));
  const svg = s('svg', {
    class: `diagram ${vertical ? 'vertical' : 'horizontal'}`,
    width: layout.width,
    height: layout.height,
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    role: 'group',
    'aria-label': label,
  });
  const edges = s('g', { class: 'edges', 'aria-hidden': 'true' });
  for (const e of layout.edges) {
    const a = byKey.get(e.from);
    const b = byKey.get(e.to);
    if (!a || !b) continue;
    const kind = edgeClass(e.outcome);
    edges.append(
      s('path', {
        class: `edge edge-${kind}`,
        d: edgePath(a, b, e.shape),
        'marker-end': `url(#arrow-${kind})`,
        'data-from': e.from,
        'data-to': e.to,
      }),
    );
  }
  svg.append(edges);
  for (const box of layout.boxes) svg.append(drawBox(box, { measure, measureTitle, open, hover }));
  return svg;
}

function line(x, y, cls, text) {
  return s('text', { x, y, class: cls, text });
}

function drawBox(box, { measure, measureTitle, open, hover }) {
  const { x, y, w, h, item } = box;
  const inner = w - 24;
  if (box.role === 'more') {
    return s(
      'g',
      { class: 'box more' },
      line(x + 8, y + 14, 'note', fit(`+${item.hidden} more endpoints (ask with detail=full)`, w - 12, measure)),
    );
  }
  const common = (cls, attrs) =>
    s(
      'g',
      { class: `box ${cls}`, tabindex: '0', role: 'button', ...attrs },
      s('rect', { class: 'ring', x: x - 3, y: y - 3, width: w + 6, height: h + 6, rx: 10 }),
      s('rect', { class: 'card', x, y, width: w, height: h, rx: 8 }),
      s('rect', { class: 'stripe', x, y, width: 6, height: h, rx: 3 }),
    );
  let g;
  if (box.role === 'none') {
    g = common('endpoint none', {
      'data-key': box.key,
      'data-outcome': item.outcome,
      'aria-label': `${item.title}: ${item.text}. Press Enter for details.`,
    });
    g.append(
      line(x + 14, y + 22, 'title', fit(item.title, inner, measureTitle)),
      line(x + 14, y + 42, 'outcome', fit(item.text, inner, measure)),
    );
    activate(g, () => open('none', item, g));
    return g;
  }
  if (box.role === 'endpoint') {
    g = common('endpoint', {
      'data-key': box.key,
      'data-outcome': item.outcome,
      'data-rule': item.rule ?? undefined,
      'data-pod': item.pod ?? undefined,
      'data-ip': item.ip,
      'data-node': item.node ?? undefined,
      'aria-label': endpointLabel(item),
    });
    const outcome =
      item.outcome === 'FAILS' ? '✕ connection fails' : `✓ connects${item.masquerade ? ' · source masqueraded' : ''}`;
    g.append(
      line(x + 14, y + 19, 'title', fit(item.title, inner, measureTitle)),
      line(x + 14, y + 36, 'sub', fit(item.subtitle, inner, measure)),
      line(x + 14, y + 52, 'outcome', fit(outcome, inner, measure)),
    );
    activate(g, () => open('endpoint', item, g));
  } else {
    g = common(`hop hop-${item.kind}`, {
      'data-key': box.key,
      'data-kind': item.kind,
      'data-outcome': item.kind === 'client' ? 'CLIENT' : item.outcome,
      'data-rule': item.rule ?? undefined,
      'data-hop-verdict': item.hop ?? undefined,
      'data-node': item.node ?? undefined,
      'data-decides': item.decides ? 'true' : undefined,
      'aria-label': hopLabel(item),
    });
    const mark = item.outcome === 'FAILS' ? '✕ ' : item.outcome === 'PARTIAL' ? '◐ ' : '';
    g.append(line(x + 14, y + 20, 'title', fit(`${mark}${item.title}`, inner, measureTitle)));
    if (item.kind === 'client') {
      (item.lines ?? [])
        .filter(Boolean)
        .forEach((text, i) => g.append(line(x + 14, y + 40 + i * 18, 'sub', fit(text, inner, measure))));
    } else {
      g.append(line(x + 14, y + 38, 'sub', fit(item.subtitle, inner, measure)));
      translationLines(item.translation).forEach((text, i) =>
        g.append(line(x + 14, y + 58 + i * 18, item.translation ? 'nat' : 'nat muted', fit(text, inner, measure))),
      );
      if (item.rule) g.append(line(x + 14, y + 95, 'rule', fit(item.rule, inner, measure)));
    }
    activate(g, () => open('hop', item, g));
  }
  g.addEventListener('pointerenter', () => hover(item, g, 'pointer'));
  g.addEventListener('pointerleave', () => hover(null, g, 'pointer'));
  g.addEventListener('focus', () => hover(item, g, 'focus'));
  g.addEventListener('blur', () => hover(null, g, 'focus'));
  return g;
}
