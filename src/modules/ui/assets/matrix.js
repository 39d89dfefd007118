// The Service's matrix as a colour grid: rows are client locations, columns ways of addressing.
// One tab stop for the whole grid; the arrow keys move between cells, Enter or Space opens one.
import { cellSourceIpText, KIND_TEXT, VERDICT_MARK, verdictText } from './answer.js';
import { activate, h } from './dom.js';

function columnHint(col) {
  const network = col.network === 'PUBLIC' ? 'public' : col.network === 'PRIVATE' ? 'private' : '';
  return [KIND_TEXT[col.kind] ?? col.kind, network, `${col.port}/${col.protocol}`].filter(Boolean).join(' · ');
}

function rowLabel(client) {
  if (client.label) return client.label;
  return `${client.name}${client.nodeCount > 1 ? ` (${client.nodeCount} nodes alike)` : ''}`;
}

/** The addresses a column stands for, when the matrix names them. */
export function columnAddresses(col) {
  if (!col) return '';
  const list = (col.addresses ?? []).map((a) => `${a.address}:${a.port ?? col.port}${a.node ? ` (${a.node})` : ''}`);
  if (list.length === 0 && col.address) list.push(`${col.address}:${col.port}`);
  const more = (col.count ?? list.length) - list.length;
  return `${list.join(', ')}${more > 0 ? ` +${more} more` : ''}`;
}

/** The text of a cell's tooltip: verdict, source-IP fate, rule. */
export function cellTitle(cell) {
  if (cell.verdict === 'NOT_APPLICABLE') return 'does not apply to this client';
  return `${verdictText(cell.verdict)}; ${cellSourceIpText(cell.sourceIpPreserved)}${cell.rule ? `; rule ${cell.rule}` : ''}`;
}

/**
 * Fills `table` with the matrix. `open(cell, row, column, td)` shows a cell's details;
 * `asked(client)` tells whether a row is the client of the question (it is marked).
 */
export function renderMatrix(table, matrix, { open, asked }) {
  const columns = matrix.columns ?? [];
  const rows = matrix.rows ?? [];
  table.replaceChildren();
  table.setAttribute('role', 'grid');
  table.append(
    h('caption', {
      class: 'visually-hidden',
      text: `${matrix.service}: client locations (rows) by ways of addressing (columns)`,
    }),
  );
  table.append(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'corner', text: 'Client ↓ · address →' }),
        columns.map((col) =>
          h(
            'th',
            { scope: 'col', 'data-column': col.id, title: columnAddresses(col) || undefined },
            h('span', { class: 'col-label', text: col.label ?? columnHint(col) }),
          ),
        ),
      ),
    ),
  );
  const body = h('tbody');
  const cells = [];
  rows.forEach((row, r) => {
    const tr = h('tr', {
      'data-client': row.client.name,
      'data-client-kind': row.client.kind,
      class: asked?.(row.client) ? 'asked' : undefined,
    });
    tr.append(
      h(
        'th',
        { scope: 'row', title: (row.client.nodes ?? []).join(', ') || undefined },
        h('span', { text: rowLabel(row.client) }),
        asked?.(row.client) ? h('span', { class: 'you', text: 'your client' }) : null,
      ),
    );
    const line = [];
    row.cells.forEach((cell, c) => {
      const col = columns[c];
      const title = cellTitle(cell);
      const td = h(
        'td',
        {
          class: 'cell',
          tabindex: '-1',
          'data-verdict': cell.verdict,
          'data-row': String(r),
          'data-client': row.client.name,
          'data-column': col?.id,
          'data-rule': cell.rule ?? undefined,
          'data-source-ip':
            cell.sourceIpPreserved === null || cell.sourceIpPreserved === undefined
              ? 'null'
              : String(cell.sourceIpPreserved),
          title,
          'aria-label': `${rowLabel(row.client)}, ${col?.label ?? ''}: ${title}`,
        },
        h('span', { class: 'mark', 'aria-hidden': 'true', text: VERDICT_MARK[cell.verdict] ?? '' }),
        cell.verdict === 'NOT_APPLICABLE' || cell.sourceIpPreserved === null || cell.sourceIpPreserved === undefined
          ? null
          : h('span', { class: 'ip', 'aria-hidden': 'true', text: cell.sourceIpPreserved ? 'IP kept' : 'IP lost' }),
      );
      activate(td, () => {
        focusCell(r, c);
        open(cell, row, col, td);
      });
      line.push(td);
      tr.append(td);
    });
    cells.push(line);
    body.append(tr);
  });
  table.append(body);
  let current = [0, 0];
  function focusCell(r, c, move = false) {
    const td = cells[r]?.[c];
    if (!td) return;
    cells[current[0]]?.[current[1]]?.setAttribute('tabindex', '-1');
    td.setAttribute('tabindex', '0');
    current = [r, c];
    if (move) td.focus();
  }
  if (cells[0]?.[0]) cells[0][0].setAttribute('tabindex', '0');
  table.onkeydown = (event) => {
    const [r, c] = current;
    const last = (cells[r]?.length ?? 1) - 1;
    const moves = {
      ArrowRight: [r, Math.min(c + 1, last)],
      ArrowLeft: [r, Math.max(c - 1, 0)],
      ArrowDown: [Math.min(r + 1, cells.length - 1), c],
      ArrowUp: [Math.max(r - 1, 0), c],
      Home: [r, 0],
      End: [r, last],
    };
    const to = moves[event.key];
    if (!to || !(event.target instanceof HTMLTableCellElement)) return;
    event.preventDefault();
    focusCell(to[0], to[1], true);
  };
}
